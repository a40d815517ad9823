import Foundation
import ProcessConfig
import Testing

@testable import ConfigImport

/// supervisord's value syntax: INI rules, `%(name)s` expansions, numprocs, groups, priority.
@Suite struct SupervisordParsingTests {
  func importText(_ text: String, environment: [String: String] = [:]) throws -> ImportResult {
    try ConfigImporter.importConfig(
      text, format: .supervisord,
      context: ImportContext(file: "s.conf", directory: "/etc/sv", environment: environment, hostName: "box"))
  }

  @Test func iniCommentsContinuationsAndCase() throws {
    let ini = try INIFile(parsing: """
      ; comment
      [program:a]
      Command = /bin/echo a;b ; inline comment
      environment=A="1",
        B="2"
      # another comment
      directory:/tmp
      [program:a]
      priority=5
      """)
    #expect(ini.sections.count == 1)
    let section = ini.sections[0]
    #expect(section["command"]?.value == "/bin/echo a;b")
    #expect(section["environment"]?.value == "A=\"1\",\nB=\"2\"")
    #expect(section["directory"]?.value == "/tmp")
    #expect(section["priority"]?.value == "5")
    #expect(section["command"]?.line == 3)
  }

  @Test func expansionsFollowPythonFormatting() throws {
    let mapping: [String: PercentExpansion.Value] = ["process_num": .number(7), "program_name": .text("web")]
    #expect(try PercentExpansion.expand("%(program_name)s-%(process_num)02d 100%%", mapping) == "web-07 100%")
    #expect(try PercentExpansion.expand("%(process_num)3d|%(process_num)-3d|", mapping) == "  7|7  |")
    #expect(throws: PercentExpansion.ExpansionError.self) { try PercentExpansion.expand("%(nope)s", mapping) }
    #expect(throws: PercentExpansion.ExpansionError.self) { try PercentExpansion.expand("%(program_name)d", mapping) }
    #expect(throws: PercentExpansion.ExpansionError.self) { try PercentExpansion.expand("50% off", mapping) }
  }

  @Test func programMapsItsKeys() throws {
    let result = try importText(
      """
      [group:shop]
      programs=web

      [program:web]
      command=/usr/bin/env python3 "app server.py" --name %(program_name)s --host %(host_node_name)s --home %(ENV_HOME)s
      directory=%(here)s/app
      environment=A="x,y",B=2,C='q'
      autorestart=unexpected
      stopwaitsecs=7
      numprocs=1
      numprocs_start=3
      process_name=%(program_name)s
      """, environment: ["HOME": "/home/u"])
    #expect(result.poolName == "shop")
    let web = try #require(result.processes.first)
    #expect(web.command == ["/usr/bin/env", "python3", "app server.py", "--name", "web", "--host", "box", "--home", "/home/u"])
    #expect(web.cwd == "/etc/sv/app")
    #expect(web.env.map(\.0) == ["A", "B", "C"])
    #expect(web.env.map(\.1) == ["x,y", "2", "q"])
    #expect(web.restartPolicy == .onFailure)
    #expect(web.stopTimeout == 7)
    #expect(result.lost.isEmpty, "\(result.lost)")
  }

  @Test func autorestartValues() throws {
    for (value, policy) in [("true", "always"), ("false", "no"), ("unexpected", "on-failure")] {
      let result = try importText("[program:a]\ncommand=a\nautorestart=\(value)\n")
      #expect(result.processes[0].restartPolicy?.rawValue == policy)
    }
  }

  @Test func processNumberExpandsWithNumprocsStart() throws {
    let result = try importText("[program:w]\ncommand=w --port 90%(process_num)02d\nnumprocs_start=5\n")
    #expect(result.processes[0].command == ["w", "--port", "9005"])
    #expect(result.lost.isEmpty)
    // Copies numbered from 5 cannot be cgipool replicas (they count from 0 or 1): one process, a loss.
    let many = try importText("[program:w]\ncommand=w --port 90%(process_num)02d\nnumprocs=3\nnumprocs_start=5\n")
    #expect(many.processes.count == 1)
    #expect(many.processes[0].replicas == nil)
    #expect(many.lost.map(\.path) == ["[program:w] numprocs"])
  }

  @Test func numprocsBecomeReplicasWithPlaceholders() throws {
    let fromZero = try importText(
      "[program:w]\ncommand=w --port 90%(process_num)02d --id %(process_num)d --name %(program_name)s_%(process_num)s\n"
        + "numprocs=3\nenvironment=SLOT=\"%(process_num)03d\"\n")
    let zero = try #require(fromZero.processes.first)
    #expect(zero.replicas == 3)
    #expect(zero.command == ["w", "--port", "90{replica0:02}", "--id", "{replica0}", "--name", "w_{replica0}"])
    #expect(zero.env.map(\.1) == ["{replica0:03}"])
    #expect(fromZero.lost.isEmpty, "\(fromZero.lost)")
    let fromOne = try importText("[program:w]\ncommand=w --port 90%(process_num)02d\nnumprocs=4\nnumprocs_start=1\n")
    #expect(fromOne.processes[0].replicas == 4)
    #expect(fromOne.processes[0].command == ["w", "--port", "90{replica:02}"])
    // The written config loads, and each instance gets supervisord's number.
    let text = ConfigWriter.render(fromOne)
    let pool = try ConfigLoader.parse(Array(text.utf8), file: "imported.json", baseDirectory: "/etc/sv")
    #expect(pool.processes["w@4"]?.command == ["w", "--port", "9004"])
    #expect(pool.processes["w@1"]?.command == ["w", "--port", "9001"])
  }

  @Test func priorityOrdersTheProcesses() throws {
    let result = try importText("[program:b]\ncommand=b\npriority=1\n[program:a]\ncommand=a\n[program:c]\ncommand=c\npriority=2\n")
    #expect(result.processes.map(\.name) == ["b", "c", "a"])
  }

  @Test func badInputIsAnErrorWithItsLine() throws {
    let error = try #require(throws: ImportError.self) { try importText("[program:a]\ncommand=\"unclosed\n") }
    #expect(error.line == 2)
    #expect(error.message.contains("No closing quotation"))
    let missing = try #require(throws: ImportError.self) { try importText("[program:a]\ndirectory=/\n") }
    #expect(missing.message.contains("does not specify a command"))
    let environment = try #require(throws: ImportError.self) { try importText("[program:a]\ncommand=a\nenvironment=A\n") }
    #expect(environment.message.contains("Unexpected end of key/value pairs"))
  }

  @Test func invalidNamesAreRenamedOrDropped() throws {
    let result = try importText("[program:my.app]\ncommand=a\nenvironment=my.var=1,OK=2\n")
    #expect(result.processes[0].name == "my_app")
    #expect(result.processes[0].env.map(\.0) == ["OK"])
    #expect(result.lost.contains { $0.path == "my_app environment my.var" })
  }
}
