import ArgumentParser
import ProcessConfig

/// `cgipool probe port|http|command`: the argument parser checks the kind and lists the valid ones.
extension HealthCheck.Kind: ExpressibleByArgument {}
