import ArgumentParser
import Foundation

/// `sprite agents`: the edges a broker knows and whether they are available.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "List the edges of a cluster (through its broker): name, URL, status, last heartbeat.")

    @OptionGroup var connection: ClientOptions

    func run() async throws {
        let client = try connection.client()
        let (status, data) = try await client.send("GET", "api/v1/agents")
        guard status == 200 else { throw failure("sprite: \(APIClient.errorMessage(data))") }
        let answer = try JSONDecoder().decode(JSONValue.self, from: data)
        let names = ["name", "url", "status", "kind", "last_seen_seconds_ago", "tables", "message"]
        let types = ["STRING", "STRING", "STRING", "STRING", "FLOAT64", "INT64", "STRING"]
        let rows = (answer["agents"]?.array ?? []).map { a in names.map { a[$0] ?? .null } }
        let text = ResultTableText(name: "agents", columns: zip(names, types).map { (name: $0.0, type: $0.1, semantic: "") }, rows: rows)
        FileHandle.standardOutput.write(Data(text.aligned().utf8))
    }
}
