import Testing

@testable import ProcessConfig

/// How paths print and sort.
@Suite struct ConfigPathTests {
  @Test func printsDottedForm() {
    let path = ConfigPath.root.appending("processes").appending("yarp_proxy").appending("depends_on").appending(0)
    #expect(path.description == "processes.yarp_proxy.depends_on[0]")
    #expect(ConfigPath.root.description == "(root)")
  }

  @Test func quotesKeysThatWouldBeAmbiguous() {
    #expect(ConfigPath([.key("processes"), .key("a.b")]).description == #"processes["a.b"]"#)
    #expect(ConfigPath([.key("env"), .key("")]).description == #"env[""]"#)
    #expect(ConfigPath([.key("x\ny")]).description == #"["x\ny"]"#)
    #expect(ConfigPath([.key("pool-manager")]).description == "pool-manager")
  }

  @Test func sortsIndexesNumericallyAndPrefixesFirst() {
    let base = ConfigPath([.key("a")])
    let paths = [base.appending(10), base.appending("b"), base, base.appending(2)]
    #expect(paths.sorted() == [base, base.appending(2), base.appending(10), base.appending("b")])
  }
}
