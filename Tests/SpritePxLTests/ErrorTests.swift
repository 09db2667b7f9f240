import Testing

@testable import SpritePxL

/// One bad input with the exact diagnostic it must produce.
struct BadInput: CustomTestStringConvertible, Sendable {
    var source: String
    var code: PxLError.Code
    var message: String
    var line: Int
    var column: Int

    init(_ source: String, _ code: PxLError.Code, _ message: String, _ line: Int, _ column: Int) {
        self.source = source
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    var testDescription: String { source.debugDescription }
}

@Suite("Errors")
struct ErrorTests {
    static let lexical: [BadInput] = [
        BadInput("x = 'abc\ny = 1\n", .syntax, "unterminated string literal", 1, 5),
        BadInput("x = 1\ny = \"\"\"abc\n\n", .syntax, "unterminated triple-quoted string literal", 2, 5),
        BadInput("x = 'a\\x4'\n", .syntax, "invalid '\\x' escape: expected 2 hexadecimal digits", 1, 7),
        BadInput("x = '\\uD800'\n", .syntax, "invalid escape: D800 is not a Unicode scalar value", 1, 6),
        BadInput("x = '\\N{DASH}'\n", .unsupported, "PxL does not support '\\N{...}' escapes", 1, 6),
        BadInput("x = f'{a}'\n", .unsupported, "PxL does not support f-strings; build strings with '+' instead", 1, 5),
        BadInput("x = b'abc'\n", .unsupported, "PxL does not support bytes literals", 1, 5),
        BadInput("x = 1__000\n", .syntax, "invalid '_' in numeric literal; underscores may only separate digits", 1, 6),
        BadInput("x = 1_\n", .syntax, "invalid '_' in numeric literal; underscores may only separate digits", 1, 6),
        BadInput("x = 0x\n", .syntax, "invalid hexadecimal literal: expected digits after '0x'", 1, 5),
        BadInput("x = 0b102\n", .syntax, "invalid digit '2' in binary literal", 1, 9),
        BadInput("x = 12abc\n", .syntax, "invalid decimal literal", 1, 7),
        BadInput("x = 3j\n", .unsupported, "PxL does not support imaginary numbers", 1, 6),
        BadInput("x = 0123\n", .syntax, "leading zeros in decimal integer literals are not permitted; use '0o' for octal", 1, 5),
        BadInput("x = 9223372036854775808\n", .syntax, "integer literal is too large (maximum is 9223372036854775807)", 1, 5),
        BadInput("x = a $ b\n", .syntax, "invalid character '$' (U+0024)", 1, 7),
        BadInput("x = a\u{00A0}+ b\n", .syntax, "invalid character U+00A0", 1, 6),
        BadInput("x = !a\n", .syntax, "unexpected '!'; use 'not' for logical negation and '!=' for inequality", 1, 5),
        BadInput("x = 1 \\ 2\n", .syntax, "unexpected character after line continuation character '\\'", 1, 7),
        BadInput("x = 1 + \\\n", .syntax, "unexpected end of input after line continuation character '\\'", 1, 9),
        BadInput("df = f(a,\n       [1, 2\n", .syntax, "'[' was never closed", 2, 8),
        BadInput("px.display(df\n", .syntax, "'(' was never closed", 1, 11),
        BadInput("x = (1, 2]\n", .syntax, "closing ']' does not match opening '(' at 1:5", 1, 10),
        BadInput("x = 1)\n", .syntax, "unmatched ')'", 1, 6),
        BadInput("#px:set\nimport px\n", .syntax, "'#px:set' needs at least one 'key=value' setting", 1, 1),
        BadInput("import px\n#px:set max_rows\n", .syntax, "malformed '#px:set' setting 'max_rows'; expected 'key=value'", 2, 9),
        BadInput("#px:set a=1 =2\n", .syntax, "malformed '#px:set' setting '=2'; expected 'key=value'", 1, 13),
    ]

    static let indentation: [BadInput] = [
        BadInput("  x = 1\n", .syntax, "unexpected indent", 1, 3),
        BadInput("x = 1\n    y = 2\n", .syntax, "unexpected indent", 2, 5),
        BadInput("def f():\nreturn 1\n", .syntax, "expected an indented block after function definition on line 1", 2, 1),
        BadInput("def f():\n", .syntax, "expected an indented block after function definition on line 1", 2, 1),
        BadInput("def f():\n    x = 1\n  return x\n", .syntax, "unindent does not match any outer indentation level", 3, 3),
        BadInput("def f():\n    x = 1\n        y = 2\n", .syntax, "unexpected indent", 3, 9),
        BadInput("def f():\n        x = 1\n\ty = 2\n", .syntax, "inconsistent use of tabs and spaces in indentation", 3, 2),
        BadInput("@px.vis.vega()\n    def f():\n        pass\n", .syntax, "unexpected indent", 2, 5),
    ]

    static let grammar: [BadInput] = [
        BadInput("df = df[df.x > ]\n", .syntax, "expected an expression, found ']'", 1, 16),
        BadInput("x = \n", .syntax, "expected an expression, found end of line", 1, 5),
        BadInput("x = # nothing\n", .syntax, "expected an expression, found end of line", 1, 5),
        BadInput("x = 1 +", .syntax, "expected an expression, found end of line", 1, 8),
        BadInput("x = y z\n", .syntax, "expected end of line after statement, found name 'z'", 1, 7),
        BadInput("f(a b)\n", .syntax, "expected ',' or ')' to close '(' at 1:2, found name 'b'", 1, 5),
        BadInput("x = [1 2]\n", .syntax, "expected ',' or ']' to close '[' at 1:5, found number 2", 1, 8),
        BadInput("x = {'a': 1, 'b'}\n", .syntax, "expected ':' after dictionary key, found '}'", 1, 17),
        BadInput("x = {'a' 1}\n", .syntax, "expected ':' after dictionary key, found number 1", 1, 10),
        BadInput("x = (1 2)\n", .syntax, "expected ')' to close '(' at 1:5, found number 2", 1, 8),
        BadInput("x = df.\n", .syntax, "expected attribute name after '.', found end of line", 1, 8),
        BadInput("x = df.for\n", .syntax, "expected attribute name after '.', found keyword 'for'", 1, 8),
        BadInput("x = df[]\n", .syntax, "expected an index expression inside '[]', found ']'", 1, 8),
        BadInput("def (a):\n    pass\n", .syntax, "expected function name after 'def', found '('", 1, 5),
        BadInput("def f(a b):\n    pass\n", .syntax, "expected ',' or ')' in parameter list, found name 'b'", 1, 9),
        BadInput("def f(a, a):\n    pass\n", .syntax, "duplicate parameter 'a' in function definition", 1, 10),
        BadInput("def f(a)\n    pass\n", .syntax, "expected ':' after function signature, found end of line", 1, 9),
        BadInput("f(a=1, b)\n", .syntax, "positional argument follows keyword argument", 1, 8),
        BadInput("f(a=1, a=2)\n", .syntax, "keyword argument 'a' repeated", 1, 8),
        BadInput("f(x.y=1)\n", .syntax, "a keyword argument name must be a plain name, as in 'name=value'", 1, 3),
        BadInput("f() = 1\n", .syntax, "cannot assign to a function call", 1, 1),
        BadInput("1 = x\n", .syntax, "cannot assign to a literal", 1, 1),
        BadInput("a + b = c\n", .syntax, "cannot assign to an expression", 1, 1),
        BadInput("return 1\n", .syntax, "'return' outside function", 1, 1),
        BadInput("import\n", .syntax, "expected module name, found end of line", 1, 7),
        BadInput("from px imp a\n", .syntax, "expected 'import' after module name, found name 'imp'", 1, 9),
        BadInput("@dec\nx = 1\n", .syntax, "a decorator must be followed by a function definition ('def')", 2, 1),
        BadInput("def f(): def g(): pass\n", .syntax, "a function definition must start on its own line", 1, 10),
        BadInput("x = 1; @d\n", .syntax, "a decorator must start on its own line", 1, 8),
        BadInput("x = None.\n", .syntax, "expected attribute name after '.', found end of line", 1, 10),
    ]

    static let unsupported: [BadInput] = [
        BadInput("if x:\n    y = 1\n", .unsupported, "PxL does not support 'if' statements; filter rows with df[condition] or choose values with px.select(condition, a, b)", 1, 1),
        BadInput("else:\n    y = 1\n", .unsupported, "PxL does not support 'else' statements; filter rows with df[condition] or choose values with px.select(condition, a, b)", 1, 1),
        BadInput("import px\nfor row in df:\n    pass\n", .unsupported, "PxL does not support 'for' loops; use dataframe operations instead", 2, 1),
        BadInput("def f():\n    while True:\n        pass\n", .unsupported, "PxL does not support 'while' loops; use dataframe operations instead", 2, 5),
        BadInput("class A:\n    pass\n", .unsupported, "PxL does not support class definitions", 1, 1),
        BadInput("try:\n    pass\n", .unsupported, "PxL does not support exception handling ('try')", 1, 1),
        BadInput("with open(f) as g:\n    pass\n", .unsupported, "PxL does not support 'with' statements", 1, 1),
        BadInput("global x\n", .unsupported, "PxL does not support 'global' declarations", 1, 1),
        BadInput("def f():\n    yield 1\n", .unsupported, "PxL does not support generators ('yield')", 2, 5),
        BadInput("async def f():\n    pass\n", .unsupported, "PxL does not support 'async'/'await'", 1, 1),
        BadInput("x = await f()\n", .unsupported, "PxL does not support 'async'/'await'", 1, 5),
        BadInput("del df['a']\n", .unsupported, "PxL does not support 'del' statements; use df.drop([...]) to remove columns", 1, 1),
        BadInput("raise ValueError()\n", .unsupported, "PxL does not support 'raise' statements", 1, 1),
        BadInput("assert x\n", .unsupported, "PxL does not support 'assert' statements", 1, 1),
        BadInput("f = lambda x: x + 1\n", .unsupported, "PxL does not support 'lambda' expressions; define a function with 'def' instead", 1, 5),
        BadInput("x = [a for a in b]\n", .unsupported, "PxL does not support list comprehensions; use dataframe operations instead", 1, 8),
        BadInput("x = {k: v for k in b}\n", .unsupported, "PxL does not support dictionary comprehensions; use dataframe operations instead", 1, 11),
        BadInput("x = {k for k in b}\n", .unsupported, "PxL does not support set comprehensions; use dataframe operations instead", 1, 8),
        BadInput("x = (a for a in b)\n", .unsupported, "PxL does not support generator expressions; use dataframe operations instead", 1, 8),
        BadInput("x = sum(a for a in b)\n", .unsupported, "PxL does not support generator expressions; use dataframe operations instead", 1, 11),
        BadInput("x = {1, 2}\n", .unsupported, "PxL does not support set literals; use a list instead", 1, 5),
        BadInput("x = 1 if y else 2\n", .unsupported, "PxL does not support conditional expressions ('a if condition else b'); use px.select(condition, a, b) instead", 1, 7),
        BadInput("x += 1\n", .unsupported, "PxL does not support augmented assignment ('+='); write 'x = x + value' instead", 1, 3),
        BadInput("df.n //= 2\n", .unsupported, "PxL does not support augmented assignment ('//='); write 'x = x // value' instead", 1, 6),
        BadInput("a = b = 1\n", .unsupported, "PxL does not support chained assignment ('a = b = value'); assign each name separately", 1, 7),
        BadInput("a, b = f()\n", .unsupported, "PxL does not support unpacking assignment; assign each name separately", 1, 1),
        BadInput("x: int = 1\n", .unsupported, "PxL does not support variable annotations ('name: type = value')", 1, 2),
        BadInput("def f(a=1):\n    pass\n", .unsupported, "PxL does not support default parameter values ('a=...'); every argument must be passed explicitly", 1, 8),
        BadInput("def f(b: str = 'x'):\n    pass\n", .unsupported, "PxL does not support default parameter values ('b=...'); every argument must be passed explicitly", 1, 14),
        BadInput("def f(*args):\n    pass\n", .unsupported, "PxL does not support variadic parameters ('*args')", 1, 7),
        BadInput("def f(a, **kw):\n    pass\n", .unsupported, "PxL does not support keyword variadic parameters ('**kwargs')", 1, 10),
        BadInput("f(*a)\n", .unsupported, "PxL does not support argument unpacking ('*') in calls", 1, 3),
        BadInput("f(**a)\n", .unsupported, "PxL does not support argument unpacking ('**') in calls", 1, 3),
        BadInput("@a\n@b\ndef f():\n    pass\n", .unsupported, "PxL supports only one decorator per function", 2, 1),
        BadInput("x = a ** 2\n", .unsupported, "PxL does not support the '**' (power) operator", 1, 7),
        BadInput("x = a // 2\n", .unsupported, "PxL does not support the '//' (floor division) operator; use '/' instead", 1, 7),
        BadInput("x = a & b\n", .unsupported, "PxL does not support the bitwise '&' operator; use 'and' / 'or' instead", 1, 7),
        BadInput("x = a | b\n", .unsupported, "PxL does not support the bitwise '|' operator; use 'and' / 'or' instead", 1, 7),
        BadInput("x = a ^ b\n", .unsupported, "PxL does not support the bitwise '^' operator", 1, 7),
        BadInput("x = a << 2\n", .unsupported, "PxL does not support the bitwise '<<' operator", 1, 7),
        BadInput("x = ~a\n", .unsupported, "PxL does not support the bitwise '~' operator; use 'not' for logical negation", 1, 5),
        BadInput("x = a @ b\n", .unsupported, "PxL does not support the '@' (matrix multiplication) operator", 1, 7),
        BadInput("x = a in b\n", .unsupported, "PxL does not support the 'in' operator", 1, 7),
        BadInput("x = a not in b\n", .unsupported, "PxL does not support the 'not in' operator", 1, 7),
        BadInput("x = a is None\n", .unsupported, "PxL does not support the 'is' operator; use '==' or '!=' instead", 1, 7),
        BadInput("x = a is not None\n", .unsupported, "PxL does not support the 'is not' operator; use '==' or '!=' instead", 1, 7),
        BadInput("x = 1 < a < 3\n", .unsupported, "PxL does not support chained comparisons; combine comparisons with 'and'", 1, 11),
        BadInput("x = (y := 2)\n", .unsupported, "PxL does not support assignment expressions (':=')", 1, 8),
        BadInput("x = df[1:2]\n", .unsupported, "PxL does not support slices ('a[start:stop]')", 1, 9),
        BadInput("x = df[:2]\n", .unsupported, "PxL does not support slices ('a[start:stop]')", 1, 8),
        BadInput("from px import *\n", .unsupported, "PxL does not support wildcard imports ('from px import *')", 1, 16),
        BadInput("from . import px\n", .unsupported, "PxL does not support relative imports", 1, 6),
        BadInput("x = [*a]\n", .unsupported, "PxL does not support unpacking ('*')", 1, 6),
        BadInput("x = {**a}\n", .unsupported, "PxL does not support dictionary unpacking ('**')", 1, 6),
        BadInput("x = ...\n", .unsupported, "PxL does not support '...' (Ellipsis)", 1, 5),
    ]

    @Test(arguments: lexical + indentation + grammar + unsupported)
    func badInput(_ input: BadInput) throws {
        let error = try #require(parseError(input.source))
        #expect(error.message == input.message)
        #expect(Position(error.line, error.column) == Position(input.line, input.column))
        #expect(error.code == input.code)
        #expect(error.sourceLine != nil)
    }

    @Test func excessiveNestingIsRejected() throws {
        let parentheses = "x = " + String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        let bracketError = try #require(parseError(parentheses))
        #expect(bracketError.message == "too many nested brackets (limit is 200)")
        #expect(Position(bracketError.line, bracketError.column) == Position(1, 205))

        let negations = "x = " + String(repeating: "-", count: 10_000) + "1"
        let negationError = try #require(parseError(negations))
        #expect(negationError.message == "expression is nested too deeply (limit is 200 levels)")
        #expect(negationError.line == 1)

        let calls = "x = " + String(repeating: "f(", count: 150) + String(repeating: ")", count: 150)
        #expect(parseError(calls)?.message == "expression is nested too deeply (limit is 200 levels)")

        let chain = "x = a" + String(repeating: " + a", count: 50_000)
        #expect(parseError(chain)?.message == "expression is nested too deeply (limit is 200 levels)")

        let attributes = "x = a" + String(repeating: ".b", count: 50_000)
        #expect(parseError(attributes)?.message == "expression is nested too deeply (limit is 200 levels)")

        var indented = ""
        for level in 0..<150 {
            indented += String(repeating: " ", count: level) + "def f():\n"
        }
        indented += String(repeating: " ", count: 150) + "pass\n"
        #expect(parseError(indented)?.message == "too many levels of indentation (limit is 100)")
    }
}
