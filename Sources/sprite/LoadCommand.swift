import ArgumentParser
import Foundation

/// `sprite load`: appends CSV rows to a table of a running node.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Append the rows of a CSV file (header line = column names) to a table of a running node.",
        discussion: "Values: TIME64NS and INT64 as integers, UINT128 as UUID text, BOOLEAN as true/false. Retention applies: start the node with --retention off to keep old data.")

    @Option(name: .long, help: "The table to append to, e.g. http_events.")
    var table: String

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var connection: ClientOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw failure("sprite: cannot read '\(file)'")
        }
        let client = try connection.client()
        let path = "api/v1/tables/\(table.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? table)/csv"
        let (status, body) = try await client.send("POST", path, body: data, contentType: "text/csv", timeout: 3600)
        guard status == 200 else { throw failure("sprite: load failed: \(APIClient.errorMessage(body))") }
        let answer = try JSONDecoder().decode(JSONValue.self, from: body)
        FileHandle.standardError.write(Data("loaded \(answer["rows"]?.int ?? 0) rows into \(table)\n".utf8))
    }
}
