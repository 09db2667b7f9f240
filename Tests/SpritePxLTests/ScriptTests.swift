import Foundation
import Testing

@testable import SpritePxL

@Suite("Scripts")
struct ScriptTests {
    static let httpStats = """
        # Copyright-free example written here
        import px

        def http_stats(start_time: str, svc: px.Service):
            ''' Request stats per service. '''
            df = px.DataFrame(table='http_events', start_time=start_time,
                              select=['time_', 'upid', 'latency', 'resp_status'])
            df.service = df.ctx['service']
            df = df[df.service == svc]
            df.failure = df.resp_status >= 400
            df = df.groupby(['service']).agg(
                requests=('latency', px.count),
                lat_q=('latency', px.quantiles),
            )
            df.p99 = px.pluck_float64(df.lat_q, 'p99')
            return df[['service', 'requests', 'p99']]

        px.display(http_stats('-5m', 'frontend'), 'stats')
        """

    @Test func httpStatsScript() throws {
        let module = try parseModule(Self.httpStats)
        #expect(module.docstring == nil)
        #expect(module.statements.count == 3)
        #expect(module.statements[0].kind == .importModule([ImportedName("px", at: .init(line: 2, column: 8, offset: 45))]))
        let function = try #require(module.functions.first)
        #expect(function.name.name == "http_stats")
        #expect(function.docstring == " Request stats per service. ")
        #expect(function.parameters.map { "\($0.name.name): \($0.annotation?.description ?? "-")" }
            == ["start_time: str", "svc: px.Service"])
        #expect(function.body.map(\.description) == [
            "df = px.DataFrame(table='http_events', start_time=start_time, select=['time_', 'upid', 'latency', 'resp_status'])",
            "df.service = df.ctx['service']",
            "df = df[(df.service == svc)]",
            "df.failure = (df.resp_status >= 400)",
            "df = df.groupby(['service']).agg(requests=('latency', px.count), lat_q=('latency', px.quantiles))",
            "df.p99 = px.pluck_float64(df.lat_q, 'p99')",
            "return df[['service', 'requests', 'p99']]",
        ])
        #expect(function.body.map(\.location.line) == [6, 8, 9, 10, 11, 15, 16])
        #expect(module.statements[2].description == "px.display(http_stats('-5m', 'frontend'), 'stats')")
        #expect(Position(module.statements[2].location) == Position(18, 1))
    }

    @Test func visualizationScriptWithFlagsAndDocstring() throws {
        let source = """
            #px:set max_output_rows_per_table=500
            '''Service latency over time.'''
            import px
            from px import vis as v

            @px.vis.vega(spec={'mark': 'line', 'encoding': {'x': 'time_'}})
            def latency(start: str, service: px.Service) -> px.DataFrame:
                df = px.DataFrame(table='http_events', start_time=start)
                df = df[df.ctx['service'] == service and not df.latency < 0]
                df['bucket'] = px.bin(df.time_, px.seconds(10))
                df = df.groupby(['bucket']).agg(lat=('latency', px.mean), n=('latency', px.count))
                df.lat_ms = df.lat / 1000.0 + -1 * 0
                return df

            px.display(latency('-30s', 'cart'))
            """
        let module = try parseModule(source)
        #expect(module.flags == ["max_output_rows_per_table": "500"])
        #expect(module.docstring == "Service latency over time.")
        let function = try #require(module.functions.first)
        #expect(function.decorator?.description == "px.vis.vega(spec={'mark': 'line', 'encoding': {'x': 'time_'}})")
        #expect(function.body[1].description
            == "df = df[((df.ctx['service'] == service) and (not (df.latency < 0)))]")
        #expect(function.body[4].description == "df.lat_ms = ((df.lat / 1000.0) + ((-1) * 0))")
        #expect(module.statements.count == 4)
    }

    @Test func benchmarkQueries() throws {
        let modules = try BenchmarkScripts.all.map { try parseModule($0) }
        #expect(modules.map(\.statements.count) == [8, 5, 5, 8])
        #expect(modules[1].statements[2].description
            == "df = df[(px.contains(df.req_path, '/orders/') and (df.resp_status >= 500))]")
        #expect(modules[3].statements[5].description
            == "joined = all_reqs.merge(errs, how='left', left_on='req_path', right_on='req_path', suffixes=['', '_e'])")
        for module in modules {
            #expect(module.statements.first?.kind == .importModule([ImportedName("px", at: .init(line: 2, column: 8, offset: module.statements[0].location.offset + 7))]))
        }
    }

    /// Parses the live benchmark directory when it exists, so fixture drift is noticed.
    @Test func benchmarkQueriesOnDisk() throws {
        let directory = URL(fileURLWithPath: "/work/shared/bench/queries")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasSuffix(".pxl") {
            let source = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            _ = try PxLParser.parse(source, fileName: name)
        }
    }

    @Test func printedModuleParsesBackToTheSameShape() throws {
        for source in BenchmarkScripts.all + [Self.httpStats] {
            let module = try parseModule(source)
            let reparsed = try parseModule(module.description)
            #expect(reparsed.description == module.description)
        }
    }
}
