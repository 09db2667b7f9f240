import ArgumentParser
import Foundation

/// `sprite tables`: the tables of a running node, with their size and time range.
struct TablesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tables",
        abstract: "List the tables of a node or of a whole cluster (through its broker): rows, bytes, budget, oldest and newest row.")

    @OptionGroup var connection: ClientOptions

    func run() async throws {
        let client = try connection.client()
        let (status, data) = try await client.send("GET", "api/v1/tables")
        guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        var columns = [("name", "STRING", ""), ("rows", "INT64", ""), ("bytes", "INT64", ""), ("byte_budget", "INT64", ""),
                       ("oldest_time", "TIME64NS", ""), ("newest_time", "TIME64NS", ""), ("evicted_rows", "INT64", "")]
        let cluster = answer["agents"] != nil
        if cluster { columns.append(("agents", "INT64", "")) }
        let rows: [[JSONValue]] = (answer["tables"]?.array ?? []).map { t in
            columns.map { t[$0.0] ?? .null }
        }
        let text = ResultTableText(name: "tables", columns: columns.map { (name: $0.0, type: $0.1, semantic: $0.2) }, rows: rows)
        FileHandle.standardOutput.write(Data(text.aligned().utf8))
        for agent in answer["agents"]?.array ?? [] where agent["status"]?.string != "ok" {
            FileHandle.standardError.write(Data("sprite: warning: edge \(agent["name"]?.string ?? "?") is missing: \(agent["message"]?.string ?? "")\n".utf8))
        }
    }
}

extension ResultTableText {
    init(name: String, columns: [(name: String, type: String, semantic: String)], rows: [[JSONValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}
