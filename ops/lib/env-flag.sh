# Sourced by ops/startup.sh and ops/shutdown.sh: the one rule for yes/no environment variables.
#
# env_flag VAR DEFAULT: sets the shell variable named by $3 (or prints nothing and) to 1 or 0 from
# the environment variable VAR: true/yes/on/1 -> 1, false/no/off/0 -> 0, in any case; unset or
# empty -> DEFAULT. Anything else is a usage error: a message naming the variable, exit 64.
env_flag() {
  local name=$1 default=$2 target=$3 value
  value=${!name-}
  if [ -z "$value" ]; then
    printf -v "$target" '%s' "$default"
    return 0
  fi
  case "${value,,}" in
    1|true|yes|on) printf -v "$target" '%s' 1 ;;
    0|false|no|off) printf -v "$target" '%s' 0 ;;
    *)
      echo "$(basename "$0"): $name=$value is not a yes/no value: use true/false, yes/no, on/off or 1/0 (any case)" >&2
      exit 64
      ;;
  esac
}
