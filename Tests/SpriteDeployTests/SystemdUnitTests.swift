import Foundation
import Testing

/// Every systemd unit in deploy/ parses, runs `sprite` with options the built binary accepts, and
/// keeps the privileges eBPF needs (edge) or none (aggregator).
@Suite struct SystemdUnitTests {
    static let edgeCapabilities: Set<String> = ["CAP_BPF", "CAP_PERFMON", "CAP_SYS_RESOURCE", "CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"]

    static func units() throws -> [(file: String, unit: SystemdUnit)] {
        try DeployFiles.named([".service"]).map { ($0, try SystemdUnit(parsing: try DeployFiles.text($0))) }
    }

    @Test func unitsRunSpriteWithOptionsTheBinaryAccepts() async throws {
        let help = try await SpriteHelp.load()
        let units = try Self.units()
        #expect(Set(units.map(\.file)) == ["systemd/sprite-edge.service", "systemd/sprite-aggregator.service"])
        // The example environment file must define what the units read from it.
        let exampleEnv = try SystemdUnit(parsing: "[Service]\n" + DeployFiles.text("systemd/sprite.env")
            .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { "Environment=\($0)" }.joined(separator: "\n"))
            .environment
        for (file, unit) in units {
            #expect(Set(unit.sections.keys) == ["Unit", "Service", "Install"], "\(file): sections \(unit.sections.keys.sorted())")
            #expect(unit.value("Install", "WantedBy") == "multi-user.target")
            let execStart = unit.values("Service", "ExecStart")
            #expect(execStart.count == 1, "\(file): one ExecStart")
            for env in [unit.environment, unit.environment.merging(exampleEnv) { $1 }] {
                var words: [String] = []
                for word in systemdWords(execStart.first ?? "") {
                    let lookup: (String) -> String? = { $0 == "CREDENTIALS_DIRECTORY" ? "/run/credentials/unit" : env[$0] }
                    switch DeployFiles.expand(word, style: .systemd, lookup) {
                    case .success(let w): words.append(w)
                    case .failure(let missing): Issue.record("\(file): ${\(missing.name)} has no default in Environment=")
                    }
                }
                let (problems, values) = CommandCheck(help: help).problems(words)
                #expect(problems.isEmpty, "\(file): \(problems)")
                if let budget = values["--memory"] {
                    let parsedBudget = ByteSize.parse(budget)
                    let budgetBytes = try #require(parsedBudget, "\(file): --memory \(budget)")
                    let parsedLimit = unit.value("Service", "MemoryMax").flatMap { ByteSize.parse($0) }
                    let limit = try #require(parsedLimit, "\(file): MemoryMax")
                    #expect(limit >= budgetBytes + (256 << 20), "\(file): MemoryMax \(limit) vs store budget \(budgetBytes)")
                }
            }
        }
    }

    @Test func edgeKeepsTheCapabilitiesEBPFNeedsAndNoMore() throws {
        let unit = try #require(try Self.units().first { $0.file.hasSuffix("sprite-edge.service") }?.unit)
        let bounding = Set((unit.value("Service", "CapabilityBoundingSet") ?? "").split(separator: " ").map(String.init))
        let ambient = Set((unit.value("Service", "AmbientCapabilities") ?? "").split(separator: " ").map(String.init))
        #expect(bounding == Self.edgeCapabilities)
        #expect(ambient == Self.edgeCapabilities)
        #expect(unit.value("Service", "LimitMEMLOCK") == "infinity")
        #expect(unit.value("Service", "NoNewPrivileges") == "yes")
        #expect(unit.value("Service", "ProtectSystem") == "strict")
        // Settings that would blind the collector.
        #expect(unit.value("Service", "ProtectProc") == nil)
        #expect(unit.value("Service", "PrivateUsers") == nil)
        let filter = unit.values("Service", "SystemCallFilter").joined(separator: " ")
        #expect(filter.contains("bpf") && filter.contains("perf_event_open"), "SystemCallFilter must allow bpf and perf_event_open: \(filter)")
    }

    @Test func aggregatorRunsWithoutPrivileges() throws {
        let unit = try #require(try Self.units().first { $0.file.hasSuffix("sprite-aggregator.service") }?.unit)
        #expect(unit.value("Service", "DynamicUser") == "yes")
        #expect(unit.value("Service", "CapabilityBoundingSet") == "")
        #expect(unit.value("Service", "NoNewPrivileges") == "yes")
    }

    @Test func unitParserJoinsContinuationsAndRejectsGarbage() throws {
        let unit = try SystemdUnit(parsing: "[Service]\n# comment\nExecStart=/bin/sprite edge \\\n    --listen 1:2\n")
        #expect(systemdWords(unit.value("Service", "ExecStart") ?? "") == ["/bin/sprite", "edge", "--listen", "1:2"])
        #expect(throws: SystemdUnit.ParseError.self) { try SystemdUnit(parsing: "ExecStart=x\n") }
        #expect(throws: SystemdUnit.ParseError.self) { try SystemdUnit(parsing: "[Service]\nnot a setting\n") }
    }
}
