import ProcessConfig

/// `listen` → the process's `<pool>-<process>.socket`: systemd binds the addresses when the pool
/// starts and passes them to the service (fd 3 and up, `LISTEN_FDS`, `LISTEN_FDNAMES`).
///
/// The socket has the service's name and sets no `Service=`: over D-Bus a transient socket
/// cannot set `Service=` and a transient service cannot set `Sockets=` (systemd 252), so the
/// same-name pairing is the one both back ends can express, and a unit file uses it too.
enum SocketMapper {
  /// The kernel's accept queue per address: connections that arrive while the process restarts
  /// wait here. systemd's default asks for the kernel's maximum (`net.core.somaxconn`, which
  /// caps this value too); a fixed figure makes the unit read the same everywhere.
  static let backlog: UInt32 = 4096

  /// The socket unit of the process in `context`, or `nil` when it has no `listen`.
  static func unit(_ context: MappingContext) -> UnitDefinition? {
    let process = context.process
    guard !process.listen.isEmpty else { return nil }
    let names = context.names
    var socket: [UnitSetting] = process.listen.map { UnitSetting("ListenStream", .listenStream($0.description), busProperty: "Listen") }
    socket += [
      UnitSetting("Backlog", .count(backlog)),
      // LISTEN_FDNAMES names every fd after the process (a replica's after its group), so it
      // can tell them from other sockets.
      UnitSetting("FileDescriptorName", .string(process.replicaOf ?? process.name)),
    ]
    if process.replicaOf != nil {
      // One socket per replica, each feeding its own instance (a transient socket feeds only
      // the service of its name), all bound to the same address: the kernel spreads new
      // connections over them, and a restarting replica's connections wait in its own backlog.
      socket.append(UnitSetting("ReusePort", .bool(true)))
    }
    socket.append(UnitSetting("Slice", .string(names.slice)))
    return UnitDefinition(
      name: names.socket(process.name), kind: .socket, process: process.name,
      sections: [
        UnitSection(
          "Unit",
          [
            UnitSetting("Description", .string("cgipool \(context.pool.name) \(process.name) listening sockets")),
            // Stopped with the pool's target; over D-Bus (no target) the slice's stop reaches it.
            UnitSetting("PartOf", .unitNames([names.target])),
          ]),
        UnitSection("Socket", socket),
      ])
  }
}
