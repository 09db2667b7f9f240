import Testing

@testable import SpritePxL

@Suite("Lexer")
struct LexerTests {
    @Test func indentationTokens() throws {
        let kinds = try tokenKinds("def f():\n    x = 1\n\n    # c\n    return x\ny\n")
        #expect(kinds == [
            .keyword(.def), .name("f"), .punctuation(.leftParenthesis), .punctuation(.rightParenthesis),
            .punctuation(.colon), .newline,
            .indent, .name("x"), .punctuation(.equal), .integer(1), .newline,
            .keyword(.return), .name("x"), .newline,
            .dedent, .name("y"), .newline, .endOfInput,
        ])
    }

    @Test func dedentsAtEndOfInput() throws {
        let kinds = try tokenKinds("def f():\n  def g():\n    pass")
        #expect(kinds.suffix(4) == [.newline, .dedent, .dedent, .endOfInput])
    }

    @Test func implicitJoiningIgnoresNewlinesAndIndentation() throws {
        let kinds = try tokenKinds("f(a,\n        b, # comment\n  c)\n")
        #expect(!kinds.contains(.indent))
        #expect(kinds.filter { $0 == .newline }.count == 1)
    }

    @Test func locations() throws {
        let tokens = try Lexer.tokenize("x = 'é' + 日本\n  # c\ny").tokens
        let positions = tokens.map { Position($0.location) }
        #expect(positions == [
            Position(1, 1), Position(1, 3), Position(1, 5), Position(1, 9), Position(1, 11), Position(1, 13),
            Position(3, 1), Position(3, 2), Position(3, 2),
        ])
        #expect(tokens[4].kind == .name("日本"))
        #expect(tokens[4].location.offset == 11)
        #expect(tokens[6].location.offset == 24)
    }

    @Test func newlineTokenSitsAtTrailingComment() throws {
        let tokens = try Lexer.tokenize("x = 1  # note\n").tokens
        #expect(tokens[3].kind == .newline)
        #expect(Position(tokens[3].location) == Position(1, 8))
    }

    @Test(arguments: [
        ("'abc'", "abc"),
        ("\"a'b\"", "a'b"),
        ("'a\\'b'", "a'b"),
        ("'tab\\tnew\\nline'", "tab\tnew\nline"),
        ("'\\\\'", "\\"),
        ("'\\x41\\u00e9\\U0001F600'", "Aé😀"),
        ("'\\101\\0'", "A\u{0}"),
        ("'\\d'", "\\d"),
        ("'''a\n'b'\n\"c\"'''", "a\n'b'\n\"c\""),
        ("\"\"\"x\"\"\"", "x"),
        ("'''it''s'''", "it''s"),
        ("r'\\d+\\n'", "\\d+\\n"),
        ("R\"a\\\"b\"", "a\\\"b"),
        ("u'unicode'", "unicode"),
        ("'a\\\nb'", "ab"),
        ("'日本'", "日本"),
        ("''", ""),
    ])
    func strings(source: String, value: String) throws {
        #expect(try tokenKinds(source).first == .string(value))
    }

    @Test(arguments: [
        ("0", Token.Kind.integer(0)),
        ("42", .integer(42)),
        ("1_000_000", .integer(1_000_000)),
        ("0x1F", .integer(31)),
        ("0XfF", .integer(255)),
        ("0x_ff", .integer(255)),
        ("0o17", .integer(15)),
        ("0b1010", .integer(10)),
        ("00", .integer(0)),
        ("9223372036854775807", .integer(Int64.max)),
        ("1.5", .float(1.5)),
        ("1.", .float(1.0)),
        (".25", .float(0.25)),
        ("1e3", .float(1000)),
        ("2.5E-3", .float(0.0025)),
        ("1_0.0_1e+1_0", .float(10.01e10)),
        ("0.0", .float(0)),
    ])
    func numbers(source: String, kind: Token.Kind) throws {
        #expect(try tokenKinds(source).first == kind)
    }

    @Test func operatorsUseLongestMatch() throws {
        let kinds = try tokenKinds("a ** b // c <= d >= e == f != g -> h += i ... j")
        let punctuation = kinds.compactMap { kind -> Punctuation? in
            if case .punctuation(let p) = kind { p } else { nil }
        }
        #expect(punctuation == [.doubleStar, .doubleSlash, .lessEqual, .greaterEqual, .equalEqual, .notEqual, .arrow, .plusEqual, .ellipsis])
    }

    @Test func keywordsAndNames() throws {
        #expect(try tokenKinds("True None and import_ _x é1") == [
            .keyword(.true), .keyword(.none), .keyword(.and), .name("import_"), .name("_x"), .name("é1"), .newline, .endOfInput,
        ])
    }

    @Test func directivesAreCollected() throws {
        let output = try Lexer.tokenize("#px:set max_output_rows_per_table=500\nx = 1  #px:set ignored=1\n")
        #expect(output.directives == [
            Directive(key: "max_output_rows_per_table", value: "500", location: .init(line: 1, column: 9, offset: 8))
        ])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let tokens = try Lexer.tokenize("\u{FEFF}x").tokens
        #expect(Position(tokens[0].location) == Position(1, 1))
        #expect(tokens[0].location.offset == 3)
    }
}
