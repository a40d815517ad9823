import Testing

@testable import CgiPoolRuntime

/// Parsing of the /proc formats the scanner reads.
@Suite struct ProcFormatTests {
  @Test func statWithAwkwardComm() throws {
    let line = "4242 (a b) c)) S 17 4242 4240 0 -1 4194560 1 0 0 0 3 4 0 0 20 0 1 0 987654 1 2 3\n"
    let stat = try #require(ProcStat(Array(line.utf8)[...]))
    #expect(stat.pid == 4242)
    #expect(String(decoding: stat.comm, as: UTF8.self) == "a b) c)")
    #expect(stat.state == UInt8(ascii: "S"))
    #expect(stat.ppid == 17)
    #expect(stat.processGroup == 4242)
    #expect(stat.session == 4240)
    #expect(stat.startTime == 987654)
    #expect(!stat.isKernelThread)
    #expect(!stat.hasExited)
  }

  @Test func kernelThreadAndZombie() throws {
    let kthread = try #require(ProcStat(Array("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 5".utf8)[...]))
    #expect(kthread.isKernelThread)
    let zombie = try #require(ProcStat(Array("9 (x) Z 1 9 9 0 -1 4194564 0 0 0 0 0 0 0 0 20 0 1 0 77".utf8)[...]))
    #expect(zombie.hasExited)
    #expect(ProcStat(Array("9 (x) Z 1 9".utf8)[...]) == nil)
  }

  @Test func cmdlineSplitting() {
    let words = CommandWords(cmdline: Array("python3\0pool/manager.py\0\0--x\0".utf8)[...]).strings
    #expect(words == ["python3", "pool/manager.py", "", "--x"])
    #expect(CommandWords(cmdline: Array("title with spaces\0\0\0".utf8)[...]).strings == ["title", "with", "spaces"])
    #expect(CommandWords(cmdline: [][...]).strings.isEmpty)
  }

  @Test func realUIDFromStatus() {
    #expect(FactCache.realUID(status: "Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t5\n") == 1000)
    #expect(FactCache.realUID(status: "Name:\tx\n") == nil)
  }
}
