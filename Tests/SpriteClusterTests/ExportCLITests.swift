import Foundation
import Testing

/// `sprite export` against `sprite up`: scripts checked at add time, schedules persisted in the
/// data directory, the scheduler running inside the node.
@Suite("sprite export", .serialized)
struct ExportCLITests {
    static let spans = """
        import px
        df = px.DataFrame(table='http_events', start_time=px.plugin.start_time, end_time=px.plugin.end_time)
        px.export(df, px.otel.Data(resource={'service.name': 'api'},
            data=[px.otel.trace.Span(name=df.req_method, start_time=df.time_, end_time=df.time_)]))
        """

    @Test func addListHistoryRemoveAcrossRestarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sprite-export-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = dir + "/spans.pxl", bad = dir + "/bad.pxl"
        try Self.spans.write(toFile: good, atomically: true, encoding: .utf8)
        try Self.spans.replacingOccurrences(of: "'service.name'", with: "'service'").write(toFile: bad, atomically: true, encoding: .utf8)
        let args = ["up", "--no-collector", "--listen", "127.0.0.1:0", "--data-dir", dir, "--retention", "off"]
        var node = try await SpriteProcess.start(args)
        let refused = try await CLITests.sprite(["export", "add", "--server", node.url, "--name", "bad", "--script", bad, "--every", "1s",
                                                 "--endpoint", "http://127.0.0.1:9"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the resource must contain 'service.name'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--> \(bad):3:"), "\(refused.stderr)")
        let added = try await CLITests.sprite(["export", "add", "--server", node.url, "--name", "spans", "--script", good, "--every", "1s",
                                               "--endpoint", "http://127.0.0.1:9"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("added export spans"))
        // The node's scheduler runs the windows as they close (empty ones send nothing and succeed).
        var history = ""
        for _ in 0..<60 {
            history = try await CLITests.sprite(["export", "history", "spans", "--server", node.url]).stdout
            if history.contains(" ok ") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(history.contains(" ok "), "\(history)")
        // Schedules outlive the process.
        await node.stop()
        node = try await SpriteProcess.start(args)
        defer { node.terminate() }
        let list = try await CLITests.sprite(["export", "list", "--server", node.url])
        #expect(list.status == 0)
        #expect(list.stdout.contains("spans") && list.stdout.contains("http://127.0.0.1:9"), "\(list.stdout)")
        #expect(!list.stdout.contains("bad"))
        let removed = try await CLITests.sprite(["export", "remove", "spans", "--server", node.url])
        #expect(removed.status == 0)
        let after = try await CLITests.sprite(["export", "list", "--server", node.url])
        #expect(after.stdout.contains("(0 rows)"), "\(after.stdout)")
        let missing = try await CLITests.sprite(["export", "history", "spans", "--server", node.url])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no export named 'spans'"))
    }
}
