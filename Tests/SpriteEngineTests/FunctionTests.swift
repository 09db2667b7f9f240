import Foundation
import Testing
import SpriteStore
@testable import SpriteEngine

@Suite struct FunctionTests {
    let s: [Value] = [.string("Hello World"), .string("  trim me \t"), .string("/orders/42?x=1"), .string("")]
    let i: [Value] = [.int64(-7), .int64(0), .int64(15), .int64(1_000_000_001)]
    let f: [Value] = [.float64(-1.5), .float64(0.25), .float64(2.5), .float64(9)]

    func strings(_ e: Expr, dictionary: Bool = false) throws -> [Value] { try eval(e, [("s", s)], dictionary: dictionary) }

    @Test(arguments: [false, true])
    func stringFunctions(dictionary: Bool) throws {
        #expect(try strings(.call("contains", [.column("s"), "o"]), dictionary: dictionary) == [.boolean(true), .boolean(false), .boolean(true), .boolean(false)])
        #expect(try strings(.call("length", [.column("s")]), dictionary: dictionary) == [.int64(11), .int64(11), .int64(14), .int64(0)])
        #expect(try strings(.call("find", [.column("s"), "o"]), dictionary: dictionary) == [.int64(4), .int64(-1), .int64(1), .int64(-1)])
        #expect(try strings(.call("substring", [.column("s"), 1, 4]), dictionary: dictionary) == [.string("ello"), .string(" tri"), .string("orde"), .string("")])
        #expect(try strings(.call("tolower", [.column("s")]), dictionary: dictionary)[0] == .string("hello world"))
        #expect(try strings(.call("toupper", [.column("s")]), dictionary: dictionary)[0] == .string("HELLO WORLD"))
        #expect(try strings(.call("trim", [.column("s")]), dictionary: dictionary)[1] == .string("trim me"))
        #expect(try strings(.call("regex_match", [".*orders/[0-9]+.*", .column("s")]), dictionary: dictionary) == [.boolean(false), .boolean(false), .boolean(true), .boolean(false)])
        #expect(try strings(.call("replace", ["[0-9]+", .column("s"), "N"]), dictionary: dictionary)[2] == .string("/orders/N?x=N"))
        #expect(try strings(.call("add", [.column("s"), "!"]), dictionary: dictionary)[0] == .string("Hello World!"))
        #expect(try strings(.call("equal", [.column("s"), ""]), dictionary: dictionary) == [.boolean(false), .boolean(false), .boolean(false), .boolean(true)])
        #expect(try strings(.call("lessThan", [.column("s"), "B"]), dictionary: dictionary) == [.boolean(false), .boolean(true), .boolean(true), .boolean(true)])
        #expect(try strings(.call("equals_any", [.column("s"), "", "Hello World"]), dictionary: dictionary) == [.boolean(true), .boolean(false), .boolean(false), .boolean(true)])
        #expect(try strings(.call("Service", [.column("s")]), dictionary: dictionary)[0] == .string("Hello World"))
    }

    @Test func arithmeticAndComparisons() throws {
        let cols = [("i", i), ("f", f)]
        #expect(try eval(.call("add", [.column("i"), .column("f")]), cols) == [.float64(-8.5), .float64(0.25), .float64(17.5), .float64(1_000_000_010)])
        #expect(try eval(.call("subtract", [.column("i"), 1]), cols) == [.int64(-8), .int64(-1), .int64(14), .int64(1_000_000_000)])
        #expect(try eval(.call("multiply", [.column("i"), 3]), cols) == [.int64(-21), .int64(0), .int64(45), .int64(3_000_000_003)])
        #expect(try eval(.call("divide", [.column("i"), 2]), cols) == [.float64(-3.5), .float64(0), .float64(7.5), .float64(500_000_000.5)])
        #expect(try eval(.call("modulo", [.column("i"), 4]), cols) == [.int64(-3), .int64(0), .int64(3), .int64(1)])
        #expect(try eval(.call("negate", [.column("f")]), cols)[0] == .float64(1.5))
        #expect(try eval(.call("greaterThan", [.column("i"), .column("f")]), cols) == [.boolean(false), .boolean(false), .boolean(true), .boolean(true)])
        #expect(try eval(.call("lessThanEqual", [.column("i"), 0]), cols) == [.boolean(true), .boolean(true), .boolean(false), .boolean(false)])
        #expect(try eval(.call("notEqual", [.column("i"), 0]), cols) == [.boolean(true), .boolean(false), .boolean(true), .boolean(true)])
        #expect(try eval(.call("logicalOr", [.call("equal", [.column("i"), 0]), .call("greaterThan", [.column("f"), 5])]), cols) == [.boolean(false), .boolean(true), .boolean(false), .boolean(true)])
        #expect(try eval(.call("logicalNot", [.call("equal", [.column("i"), 0])]), cols) == [.boolean(true), .boolean(false), .boolean(true), .boolean(true)])
        #expect(try eval(.call("select", [.call("greaterThan", [.column("i"), 0]), .column("i"), 0]), cols) == [.int64(0), .int64(0), .int64(15), .int64(1_000_000_001)])
        #expect(try eval(.call("add", [.literal(.time64ns(T0)), .column("i")]), cols)[2] == .time64ns(T0 + 15))
        #expect(try eval(.call("subtract", [.literal(.time64ns(T0)), .literal(.time64ns(T0 - 5))]), cols)[0] == .int64(5))
    }

    @Test func mathFunctions() throws {
        let cols = [("i", i), ("f", f)]
        #expect(try eval(.call("floor", [.column("f")]), cols) == [.int64(-2), .int64(0), .int64(2), .int64(9)])
        #expect(try eval(.call("ceil", [.column("f")]), cols) == [.int64(-1), .int64(1), .int64(3), .int64(9)])
        #expect(try eval(.call("round", [.column("f"), 1]), cols) == [.string("-1.5"), .string("0.2"), .string("2.5"), .string("9.0")])
        #expect(try eval(.call("abs", [.column("i")]), cols)[0] == .int64(7))
        #expect(try eval(.call("sqrt", [.column("f")]), cols)[3] == .float64(3))
        #expect(try eval(.call("log", [.column("f")]), cols)[3] == .float64(Double.log(9)))
        #expect(try eval(.call("bin", [.column("i"), 10]), cols) == [.int64(-10), .int64(0), .int64(10), .int64(1_000_000_000)])
        #expect(try eval(.call("bin", [.call("int64_to_time", [.column("i")]), .call("seconds", [1])]), cols)[3] == .time64ns(1_000_000_000))
    }

    @Test func timeFunctions() throws {
        let cols = [("i", i)]
        #expect(try eval(.call("now", []), cols)[0] == .time64ns(T0))
        #expect(try eval(.call("seconds", [2]), cols)[0] == .int64(2_000_000_000))
        #expect(try eval(.call("minutes", [.column("i")]), cols)[0] == .int64(-420_000_000_000))
        #expect(try eval(.call("hours", [1]), cols)[0] == .int64(3_600_000_000_000))
        #expect(try eval(.call("days", [1]), cols)[0] == .int64(86_400_000_000_000))
        #expect(try eval(.call("milliseconds", [3]), cols)[0] == .int64(3_000_000))
        #expect(try eval(.call("microseconds", [3]), cols)[0] == .int64(3_000))
        #expect(try eval(.call("parse_duration", ["-5m"]), cols)[0] == .int64(-300_000_000_000))
        #expect(try eval(.call("parse_duration", ["1h30m"]), cols)[0] == .int64(5_400_000_000_000))
        #expect(try eval(.call("format_duration", [.column("i")]), cols) == [.string("-7ns"), .string("0s"), .string("15ns"), .string("1.000000001s")])
        #expect(try eval(.call("format_duration", [5_400_000_000_000]), cols)[0] == .string("1h30m0s"))
        #expect(try eval(.call("parse_time", ["2026-01-01T00:00:01.5Z"]), cols)[0] == .time64ns(T0 + 1_500_000_000))
        #expect(try eval(.call("parse_time", ["2026-01-01T02:00:00+02:00"]), cols)[0] == .time64ns(T0))
        #expect(try eval(.call("time_to_int64", [.call("int64_to_time", [.column("i")])]), cols) == i)
        #expect(try eval(.call("Time", [.column("i")]), cols)[1] == .time64ns(0))
    }

    @Test func jsonURIAndMisc() throws {
        let j: [Value] = [.string(#"{"a": "x\"y", "n": 42, "f": 1.5, "o": {"k": [1, 2]}}"#), .string("not json")]
        #expect(try eval(.call("pluck", [.column("j"), "a"]), [("j", j)]) == [.string("x\"y"), .string("")])
        #expect(try eval(.call("pluck", [.column("j"), "o"]), [("j", j)])[0] == .string(#"{"k": [1, 2]}"#))
        #expect(try eval(.call("pluck_int64", [.column("j"), "n"]), [("j", j)]) == [.int64(42), .int64(0)])
        #expect(try eval(.call("pluck_float64", [.column("j"), "f"]), [("j", j)]) == [.float64(1.5), .float64(0)])
        let u: [Value] = [.string("https://user@example.com:8443/a/b?q=1#top"), .string("/just/path")]
        #expect(try eval(.call("uri_parse", [.column("u")]), [("u", u)]) == [
            .string(#"{"scheme":"https","userInfo":"user","host":"example.com","port":8443,"path":"/a/b","query":"q=1","fragment":"top"}"#),
            .string(#"{"path":"/just/path"}"#)])
        #expect(try eval(.call("uri_recompose", ["http", "", "h", 80, "/p", "a=b", ""]), [("u", u)])[0] == .string("http://h:80/p?a=b"))
        #expect(try eval(.call("atoi", [.column("x")]), [("x", [.string("12"), .string("x")])]) == [.int64(12), .int64(0)])
        #expect(try eval(.call("itoa", [.column("i")]), [("i", i)])[0] == .string("-7"))
        #expect(try eval(.call("http_resp_message", [.column("c")]), [("c", [.int64(404), .int64(503)])]) == [.string("Not Found"), .string("Service Unavailable")])
        #expect(try eval(.call("protocol_name", [.column("c")]), [("c", [.int64(1), .int64(3)])]) == [.string("HTTP"), .string("MySQL")])
        #expect(try eval(.call("nslookup", ["10.0.0.1"]), [("i", i)])[0] == .string("10.0.0.1"))
        #expect(try eval(.call("script_reference", [.column("s"), "px/svc", "svc", .column("s")]), [("s", [.string("a\"b")])])
                == [.string(#"{"label":"a\"b","script":"px/svc","args":{"svc":"a\"b"}}"#)])
    }

    @Test func upidFunctionsUseMetadataFallbacks() throws {
        let upid = UPID(asid: 3, pid: 4_000_000, startTimeTicks: 9).value
        let cols = [("u", [Value.uint128(upid)])]
        #expect(try eval(.call("upid_to_pid", [.column("u")]), cols) == [.int64(4_000_000)])
        #expect(try eval(.call("upid_to_asid", [.column("u")]), cols) == [.int64(3)])
        let host = ProcMetadataProvider.systemHostname()
        #expect(try eval(.call("upid_to_service_name", [.column("u")]), cols) == [.string("pid-4000000")])
        #expect(try eval(.call("upid_to_pod_name", [.column("u")]), cols) == [.string("pid-4000000-4000000")])
        #expect(try eval(.call("upid_to_namespace", [.column("u")]), cols) == [.string(host)])
        #expect(try eval(.call("upid_to_node_name", [.column("u")]), cols) == [.string(host)])
        let me = UPID(asid: 0, pid: UInt32(getpid()), startTimeTicks: Self.startTicks()).value
        let mine = try eval(.call("upid_to_cmdline", [.column("u")]), [("u", [.uint128(me)])])
        guard case .string(let cmd) = mine[0] else { Issue.record("not a string"); return }
        #expect(!cmd.isEmpty)
        // The same pid with another start time is another (gone) process: no borrowed metadata.
        let reused = UPID(asid: 0, pid: UInt32(getpid()), startTimeTicks: Self.startTicks() + 1).value
        #expect(try eval(.call("upid_to_service_name", [.column("u")]), [("u", [.uint128(reused)])]) == [.string("pid-\(getpid())")])
        #expect(ProcMetadataProvider.containerID(fromCgroup: "0::/docker/" + String(repeating: "ab", count: 32) + "\n") == String(repeating: "ab", count: 32))
    }

    /// This process's start time in clock ticks (field 22 of /proc/self/stat).
    static func startTicks() -> UInt64 {
        let text = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        guard let close = text.lastIndex(of: ")") else { return 0 }
        return UInt64(text[text.index(after: close)...].split(separator: " ")[19]) ?? 0
    }

    @Test func semanticTypes() throws {
        let b = Binder(catalog: StaticCatalog([eventsSchema]))
        func sem(_ e: Expr) throws -> SemanticType { try b.bind(e, to: eventsSchema).semanticType }
        #expect(try sem(.call("DurationNanos", [.column("status")])) == .durationNanos)
        #expect(try sem(.call("add", [.column("latency"), .column("latency")])) == .durationNanos)
        #expect(try sem(.call("add", [.column("latency"), 1])) == .durationNanos)
        #expect(try sem(.call("multiply", [.column("latency"), 2])) == .none)
        #expect(try sem(.call("Bytes", [.column("status")])) == .bytes)
        #expect(try sem(.call("pluck_float64", [.literal(.string("{}")), "p50"])) == .none)
        #expect(try b.bind(.call("divide", [.column("status"), .column("latency")]), to: eventsSchema).type == .float64)
    }
}

#if canImport(Glibc)
import Glibc
#endif
extension Double {
    static func log(_ x: Double) -> Double { Glibc.log(x) }
}
