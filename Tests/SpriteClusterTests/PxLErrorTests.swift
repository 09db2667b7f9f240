import Testing
import SpriteCluster

@Suite("PxL errors name line and column")
struct PxLErrorTests {
    func expectError(_ script: String, line: Int, column: Int, _ fragment: String) throws {
        let node = try Node()
        guard let e = node.error(script) else { Issue.record("no error for:\n\(script)"); return }
        #expect(e.code == .compile)
        #expect(e.line == line, "\(e.message)")
        #expect(e.column == column, "\(e.message)")
        #expect(e.message.contains(fragment), "\(e.message)")
        // The message shows the source line and a caret under the column.
        let lines = e.message.split(separator: "\n", omittingEmptySubsequences: false)
        let src = script.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
        #expect(lines.contains { $0.hasSuffix(src) }, "\(e.message)")
        #expect(lines.contains { $0.hasSuffix(String(repeating: " ", count: column - 1) + "^") }, "\(e.message)")
    }

    @Test func unknownColumn() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events')\ndf = df[df.latncy > 5]\npx.display(df)",
                        line: 3, column: 12, "Column 'latncy' not found; did you mean 'latency'?")
    }

    @Test func aggregateOfWrongType() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events')\ndf = df.agg(s=('req_path', px.sum))\npx.display(df)",
                        line: 3, column: 15, "px.sum cannot take STRING")
    }

    @Test func unknownTable() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_event')\npx.display(df)", line: 2, column: 25, "Table 'http_event' not found; did you mean 'http_events'?")
    }

    @Test func unknownFunction() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events')\ndf.x = px.contain(df.req_path, 'a')\npx.display(df)",
                        line: 3, column: 11, "px has no member 'contain'; did you mean 'px.contains'?")
    }

    @Test func typeMismatchInFilter() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events')\ndf = df[df.req_path]\npx.display(df)", line: 3, column: 9, "BOOLEAN")
    }

    @Test func syntaxError() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events'\npx.display(df)", line: 2, column: 18, "'(' was never closed")
    }

    @Test func unsupportedLoop() throws {
        try expectError("import px\nfor x in [1, 2]:\n    pass", line: 2, column: 1, "for")
    }

    @Test func undefinedName() throws {
        try expectError("import px\npx.display(dff)", line: 2, column: 12, "name 'dff' is not defined")
    }

    @Test func badTime() throws {
        try expectError("import px\ndf = px.DataFrame(table='http_events', start_time='yesterday')\npx.display(df)", line: 2, column: 51, "'yesterday' is not a time")
    }

    @Test func scriptWithoutDisplay() throws {
        let node = try Node()
        #expect(node.error("import px\ndf = px.DataFrame(table='http_events')")?.message.contains("the script displays nothing") == true)
    }
}
