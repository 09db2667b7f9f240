import Testing

/// The checker itself, against the real `sprite --help`: a manifest with a misspelled option, an
/// unknown subcommand, a flag given a value or an option without one must not pass.
@Suite struct CommandCheckTests {
    @Test func rejectsWhatTheCLIWouldReject() async throws {
        let check = CommandCheck(help: try await SpriteHelp.load())
        #expect(check.problems(["sprite", "edge", "--listen=0.0.0.0:7080", "--no-collector"]).problems.isEmpty)
        #expect(check.problems(["/usr/local/bin/sprite", "aggregator", "--listen", "0.0.0.0:7080"]).problems.isEmpty)
        #expect(check.problems(["sprite", "edge", "--listn=0.0.0.0:7080"]).problems.count == 1)
        #expect(check.problems(["sprite", "edge", "--retention"]).problems.count == 1)
        #expect(check.problems(["sprite", "edge", "--no-collector=yes"]).problems.count == 1)
        #expect(check.problems(["sprite", "edges", "--listen=:1"]).problems.count == 1)
        #expect(check.problems(["sprite", "aggregator", "--join=http://x:1"]).problems.count == 1, "--join is an edge option")
        #expect(check.problems(["sprite", "edge", "stray"]).problems.count == 1)
        #expect(check.problems(["nginx", "edge"]).problems.count == 1)
    }
}
