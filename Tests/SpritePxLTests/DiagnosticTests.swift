import Testing

@testable import SpritePxL

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test func renderedWithFileName() throws {
        let source = "import px\n\ndf = df[df.x > ]\n"
        do {
            _ = try PxLParser.parse(source, fileName: "script.pxl")
            Issue.record("expected an error")
        } catch {
            #expect(error.fileName == "script.pxl")
            #expect(error.sourceLine == "df = df[df.x > ]")
            #expect(error.description == """
                error: expected an expression, found ']'
                  --> script.pxl:3:16
                3 | df = df[df.x > ]
                  |                ^
                """)
        }
    }

    @Test func renderedWithoutFileName() throws {
        let error = try #require(parseError("x = 'abc"))
        #expect(error.description == """
            error: unterminated string literal
              --> <script>:1:5
            1 | x = 'abc
              |     ^
            """)
    }

    @Test func wideGutterForLargeLineNumbers() throws {
        let source = String(repeating: "x = 1\n", count: 11) + "y = (\n"
        let error = try #require(parseError(source))
        #expect(error.description == """
            error: '(' was never closed
               --> <script>:12:5
            12 | y = (
               |     ^
            """)
    }

    @Test func unicodeColumnsCountScalars() throws {
        let error = try #require(parseError("s = '日本語' + é + ]\n"))
        #expect(Position(error.line, error.column) == Position(1, 17))
        #expect(error.description.hasSuffix("1 | s = '日本語' + é + ]\n  |                 ^"))
    }

    @Test func tabsAreKeptInCaretLine() throws {
        let error = try #require(parseError("def f():\n\tx = )\n"))
        #expect(error.description.hasSuffix("2 | \tx = )\n  | \t    ^"))
    }

    @Test func compilerErrorsRenderAgainstSourceLater() {
        let source = "import px\ndf = px.DataFrame(table='http_events')\ndf.x = df.nope\n"
        let error = PxLError(.unknownColumn, "column 'nope' not found", at: SpritePxL.SourceLocation(line: 3, column: 11))
        #expect(error.description == "error: column 'nope' not found\n  --> <script>:3:11")
        #expect(error.rendered(source: source, fileName: "q.pxl") == """
            error: column 'nope' not found
              --> q.pxl:3:11
            3 | df.x = df.nope
              |           ^
            """)
        #expect(error.attachingSource(source).sourceLine == "df.x = df.nope")
    }

    @Test func errorWithoutLocation() {
        let error = PxLError(code: .runtime, message: "out of memory", line: 0, column: 0)
        #expect(error.description == "error: out of memory")
    }

    @Test func stableCodes() {
        let codes: [PxLError.Code] = [.syntax, .unsupported, .unknownName, .unknownColumn, .typeMismatch, .badArgument, .runtime]
        #expect(codes.map(\.rawValue) == ["syntax", "unsupported", "unknownName", "unknownColumn", "typeMismatch", "badArgument", "runtime"])
        #expect(PxLError.Code(rawValue: "syntax") == .syntax)
    }

    @Test func sourceLinesFollowLexerLineBreaks() {
        #expect(SourceText.line(2, of: "a\r\nb\rc\nd") == "b")
        #expect(SourceText.line(3, of: "a\r\nb\rc\nd") == "c")
        #expect(SourceText.line(4, of: "a\r\nb\rc\nd") == "d")
        #expect(SourceText.line(5, of: "a\n") == nil)
        #expect(SourceText.line(2, of: "a\n") == "")
    }
}
