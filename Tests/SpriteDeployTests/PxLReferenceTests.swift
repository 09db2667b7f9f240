import Foundation
import SpriteEngine
import SpritePxL
import Testing

/// docs/pxl.md lists every registered function with its signatures: the function tables are
/// generated from ``FunctionRegistry/standard`` and ``AggregateRegistry/standard`` and must equal
/// what the registries say now. `SPRITE_UPDATE_DOCS=1 swift test --filter PxLReferenceTests`
/// rewrites them after a function is added or changed.
@Suite struct PxLReferenceTests {
    static let document = DeployFiles.root.deletingLastPathComponent().appendingPathComponent("docs/pxl.md")
    static let begin = "<!-- BEGIN functions: generated from the registries by Tests/SpriteDeployTests/PxLReferenceTests.swift -->"
    static let end = "<!-- END functions -->"

    /// The function tables as Markdown.
    static func generated() -> String {
        var out = "### Aggregates (in `agg`)\n\n| function | input types | result |\n|---|---|---|\n"
        let aggregates = AggregateRegistry.standard
        for name in aggregates.names {
            guard let f = aggregates.function(named: name) else { continue }
            out += "| `px.\(name)` | \(f.inputTypes.map(\.rawValue).joined(separator: ", ")) | \(cell(f.documentation)) |\n"
        }
        out += "\n### Scalar functions\n\n| function | signatures | what it does |\n|---|---|---|\n"
        let scalars = FunctionRegistry.standard
        for name in scalars.names {
            guard let f = scalars.function(named: name) else { continue }
            let signatures = f.overloads.map { "`\($0.signature)`" }.joined(separator: "<br>")
            out += "| `px.\(name)` | \(signatures) | \(cell(f.documentation)) |\n"
        }
        return out
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    @Test func functionTablesMatchTheRegistries() throws {
        var text = try String(contentsOf: Self.document, encoding: .utf8)
        let start = try #require(text.range(of: Self.begin), "docs/pxl.md lacks the generated section's start marker")
        let stop = try #require(text.range(of: Self.end), "docs/pxl.md lacks the generated section's end marker")
        let current = String(text[start.upperBound..<stop.lowerBound])
        let wanted = "\n" + Self.generated() + "\n"
        if ProcessInfo.processInfo.environment["SPRITE_UPDATE_DOCS"] == "1" {
            text.replaceSubrange(start.upperBound..<stop.lowerBound, with: wanted)
            try text.write(to: Self.document, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == wanted, "docs/pxl.md is out of date: run SPRITE_UPDATE_DOCS=1 swift test --filter PxLReferenceTests")
    }

    @Test func everyRegisteredFunctionIsNamedInTheReference() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let names = FunctionRegistry.standard.names + AggregateRegistry.standard.names
        #expect(names.count > 50)
        let missing = names.filter { !text.contains("`px.\($0)`") }
        #expect(missing.isEmpty, "not in docs/pxl.md: \(missing)")
    }
}

/// The scripts of docs/pxl.md compile against the canonical tables.
@Suite struct PxLReferenceExamplesTests {
    @Test func everyScriptOnThePageCompiles() throws {
        let text = try String(contentsOf: PxLReferenceTests.document, encoding: .utf8)
        let blocks = text.components(separatedBy: "```python\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(blocks.count >= 2)
        let compiler = PxLCompiler(catalog: StaticCatalog.canonical, now: 1_800_000_000_000_000_000)
        for (i, script) in blocks.enumerated() {
            do {
                let compiled = try compiler.compile(script, fileName: "pxl.md#\(i + 1)")
                _ = compiled
            } catch {
                Issue.record("docs/pxl.md script \(i + 1) does not compile:\n\(error)")
            }
        }
    }
}
