/// A Linux capability a process may keep (`capabilities`), numbered as in `<linux/capability.h>`.
public enum Capability: Int, Sendable, Equatable, CaseIterable, Comparable {
  /// `CAP_CHOWN`
  case chown = 0
  /// `CAP_DAC_OVERRIDE`
  case dacOverride = 1
  /// `CAP_DAC_READ_SEARCH`
  case dacReadSearch = 2
  /// `CAP_FOWNER`
  case fowner = 3
  /// `CAP_FSETID`
  case fsetid = 4
  /// `CAP_KILL`
  case kill = 5
  /// `CAP_SETGID`
  case setgid = 6
  /// `CAP_SETUID`
  case setuid = 7
  /// `CAP_SETPCAP`
  case setpcap = 8
  /// `CAP_LINUX_IMMUTABLE`
  case linuxImmutable = 9
  /// `CAP_NET_BIND_SERVICE`
  case netBindService = 10
  /// `CAP_NET_BROADCAST`
  case netBroadcast = 11
  /// `CAP_NET_ADMIN`
  case netAdmin = 12
  /// `CAP_NET_RAW`
  case netRaw = 13
  /// `CAP_IPC_LOCK`
  case ipcLock = 14
  /// `CAP_IPC_OWNER`
  case ipcOwner = 15
  /// `CAP_SYS_MODULE`
  case sysModule = 16
  /// `CAP_SYS_RAWIO`
  case sysRawio = 17
  /// `CAP_SYS_CHROOT`
  case sysChroot = 18
  /// `CAP_SYS_PTRACE`
  case sysPtrace = 19
  /// `CAP_SYS_PACCT`
  case sysPacct = 20
  /// `CAP_SYS_ADMIN`
  case sysAdmin = 21
  /// `CAP_SYS_BOOT`
  case sysBoot = 22
  /// `CAP_SYS_NICE`
  case sysNice = 23
  /// `CAP_SYS_RESOURCE`
  case sysResource = 24
  /// `CAP_SYS_TIME`
  case sysTime = 25
  /// `CAP_SYS_TTY_CONFIG`
  case sysTtyConfig = 26
  /// `CAP_MKNOD`
  case mknod = 27
  /// `CAP_LEASE`
  case lease = 28
  /// `CAP_AUDIT_WRITE`
  case auditWrite = 29
  /// `CAP_AUDIT_CONTROL`
  case auditControl = 30
  /// `CAP_SETFCAP`
  case setfcap = 31
  /// `CAP_MAC_OVERRIDE`
  case macOverride = 32
  /// `CAP_MAC_ADMIN`
  case macAdmin = 33
  /// `CAP_SYSLOG`
  case syslog = 34
  /// `CAP_WAKE_ALARM`
  case wakeAlarm = 35
  /// `CAP_BLOCK_SUSPEND`
  case blockSuspend = 36
  /// `CAP_AUDIT_READ`
  case auditRead = 37
  /// `CAP_PERFMON`
  case perfmon = 38
  /// `CAP_BPF`
  case bpf = 39
  /// `CAP_CHECKPOINT_RESTORE`
  case checkpointRestore = 40

  /// The name systemd and the config use, e.g. `CAP_NET_BIND_SERVICE`.
  public var name: String { Self.names[rawValue] }

  /// The bit of this capability in a capability mask (`CapabilityBoundingSet` over D-Bus).
  public var bit: UInt64 { 1 << UInt64(rawValue) }

  /// The capability called `name` (`CAP_NET_BIND_SERVICE`, case-insensitive, `CAP_` optional).
  public init?(name: String) {
    let upper = name.uppercased()
    let full = upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
    guard let index = Self.names.firstIndex(of: full) else { return nil }
    self.init(rawValue: index)
  }

  /// Orders by number, as systemd lists them.
  public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }

  /// Every name, indexed by number.
  static let names = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
  ]
}
