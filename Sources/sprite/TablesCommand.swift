import ArgumentParser
import Foundation

/// `sprite tables`: the tables of a running node, with their size and time range.
struct TablesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List the tables of a running node: rows, bytes, budget, oldest and newest row.")

    @Option(name: .long, help: "Server URL (default: $SPRITE_SERVER or http://127.0.0.1:\(APIClient.defaultPort)).")
    var server: String?

    func run() async throws {
        let client = try APIClient(server: server)
        let (status, data) = try await client.send("GET", "api/v1/tables")
        guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        var columns = [("name", "STRING", ""), ("rows", "INT64", ""), ("bytes", "INT64", ""), ("byte_budget", "INT64", ""),
                       ("oldest_time", "TIME64NS", ""), ("newest_time", "TIME64NS", ""), ("evicted_rows", "INT64", "")]
        columns = columns.map { ($0.0, $0.1, $0.2) }
        let rows: [[JSONValue]] = (answer["tables"]?.array ?? []).map { t in
            ["name", "rows", "bytes", "byte_budget", "oldest_time", "newest_time", "evicted_rows"].map { t[$0] ?? .null }
        }
        let text = ResultTableText(name: "tables", columns: columns.map { (name: $0.0, type: $0.1, semantic: $0.2) }, rows: rows)
        FileHandle.standardOutput.write(Data(text.aligned().utf8))
    }
}

extension ResultTableText {
    init(name: String, columns: [(name: String, type: String, semantic: String)], rows: [[JSONValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}
