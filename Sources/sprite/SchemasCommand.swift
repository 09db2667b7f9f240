import ArgumentParser
import Foundation
import SpriteStore

/// `sprite schemas`: the canonical tables and their columns (no node needed).
struct SchemasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas",
        abstract: "Print the columns of Sprite's tables (Pixie's names and types).")

    @Argument(help: "Only this table.")
    var table: String?

    func run() throws {
        var schemas = Schemas.all
        if let table {
            guard let s = Schemas.named(table) else {
                throw failure("sprite: no table '\(table)'; tables: \(Schemas.all.map(\.name).joined(separator: ", "))")
            }
            schemas = [s]
        }
        var out = ""
        for s in schemas {
            out += "\(s.name)\n"
            let width = s.fields.map(\.name.count).max() ?? 0
            for f in s.fields {
                let type = f.type.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                out += "  \(f.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(type) \(f.description)\n"
            }
            out += "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
