import Testing
import SpriteCluster
import SpriteEngine
import SpriteStore

@Suite("PxL scripts on a node")
struct PxLScriptTests {
    @Test func filterMapAndGroupBy() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.failure = df.resp_status >= 400
            df = df[df.req_method == 'GET']
            df = df.groupby(['req_path']).agg(
                n=('latency', px.count), failures=('failure', px.sum), worst=('latency', px.max),
                best=('latency', px.min), mean=('latency', px.mean), bytes=('resp_body_size', px.sum))
            px.display(df, 'per_path')
            """)["per_path"]!
        #expect(out.columnNames == ["req_path", "n", "failures", "worst", "best", "mean", "bytes"])
        #expect(out.sortedRows == [
            [.string("/api/orders/7"), .int64(2), .int64(1), .int64(40_000_000), .int64(2_000_000), .float64(21_000_000), .int64(1_020)],
            [.string("/api/users"), .int64(2), .int64(0), .int64(3_000_000), .int64(1_000_000), .float64(2_000_000), .int64(400)],
            [.string("/healthz"), .int64(2), .int64(0), .int64(700_000), .int64(500_000), .float64(600_000), .int64(4)],
        ])
    }

    @Test func startTimeHidesOlderRows() throws {
        let node = try Node()
        let all = try node.run("import px\npx.display(px.DataFrame(table='http_events'))")["output"]!
        #expect(all.count == 10)
        let recent = try node.run("import px\npx.display(px.DataFrame(table='http_events', start_time='-5m'))")["output"]!
        #expect(recent.count == 9)
        let window = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time=px.now() - px.seconds(31), end_time='-14s')
            px.display(df[['req_path', 'latency']])
            """)["output"]!
        #expect(window.rows == [
            [.string("/api/orders/7"), .int64(40_000_000)], [.string("/api/orders/9"), .int64(5_000_000)],
            [.string("/healthz"), .int64(500_000)], [.string("/healthz"), .int64(700_000)],
        ])
    }

    @Test func quantilesAndPluck() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df = df.agg(q=('latency', px.quantiles), n=('latency', px.count))
            df.p50 = px.pluck_float64(df.q, 'p50')
            df.p99 = px.pluck_float64(df.q, 'p99')
            px.display(df.drop(['q']))
            """)["output"]!
        #expect(out.columnNames == ["n", "p50", "p99"])
        guard case .float64(let p50) = out.values("p50")[0], case .float64(let p99) = out.values("p99")[0] else {
            Issue.record("p50/p99 missing"); return
        }
        // Sorted latencies of the 9 recent rows: 0.5, 0.7, 1, 2, 3, 5, 9, 20, 40 ms; the median is 3 ms.
        #expect(abs(p50 - 3_000_000) <= 3_000_000 * 0.02)
        // With 9 values p99 lies between the two largest (20 and 40 ms), within the sketch's 2% error.
        #expect(p99 >= 20_000_000 * 0.98 && p99 <= 40_000_000 * 1.02)
        #expect(out.values("n") == [.int64(9)])
    }

    @Test func mergeOfTwoAggregates() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            all_reqs = df.groupby('req_path').agg(n=('latency', px.count))
            errs = df[df.resp_status >= 500].groupby(['req_path']).agg(errors=('latency', px.count))
            joined = all_reqs.merge(errs, how='left', left_on='req_path', right_on='req_path', suffixes=['', '_e'])
            joined.err_rate = joined.errors / joined.n
            px.display(joined[['req_path', 'n', 'errors', 'err_rate']])
            """)["output"]!
        #expect(out.sortedRows == [
            [.string("/api/orders"), .int64(1), .int64(1), .float64(1)],
            [.string("/api/orders/7"), .int64(2), .int64(1), .float64(0.5)],
            [.string("/api/orders/9"), .int64(1), .int64(0), .float64(0)],
            [.string("/api/users"), .int64(3), .int64(0), .float64(0)],
            [.string("/healthz"), .int64(2), .int64(0), .float64(0)],
        ])
    }

    @Test func timeBinsAndFunctions() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.timestamp = px.bin(df.time_, px.seconds(20))
            df.slow = df.latency > px.DurationNanos(4000000)
            df.api = px.contains(df.req_path, '/api/')
            df = df.groupby(['timestamp']).agg(n=('latency', px.count), slow=('slow', px.sum), api=('api', px.sum))
            px.display(df)
            """)["output"]!
        // now = 01:00:00; rows at -50 -45 -40 -35 -30 -25 | -20 -15 | -10 s; bins of 20 s from the epoch.
        let base = Node.now - 60_000_000_000
        #expect(out.sortedRows == [
            [.time64ns(base), .int64(2), .int64(0), .int64(2)],  // -50, -45
            [.time64ns(base + 20_000_000_000), .int64(4), .int64(3), .int64(4)],  // -40 .. -25
            [.time64ns(base + 40_000_000_000), .int64(3), .int64(1), .int64(1)],  // -20, -15, -10
        ].sorted { "\($0)" < "\($1)" })
    }

    @Test func metadataFromUPID() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            df = px.DataFrame(table='http_events', start_time='-5m')
            df.pid = df.ctx['pid']
            df = df.groupby('pid').agg(n=('latency', px.count))
            px.display(df)
            """)["output"]!
        #expect(out.sortedRows == [[.int64(100), .int64(3)], [.int64(200), .int64(3)], [.int64(300), .int64(3)]])
    }

    @Test func headAppendAndMaxOutputRows() throws {
        let node = try Node()
        let out = try node.run("""
            #px:set max_output_rows_per_table=3
            import px
            a = px.DataFrame(table='http_events', select=['req_path', 'resp_status'], start_time='-5m')
            b = a[a.resp_status >= 500]
            px.display(b.append(b), 'twice')
            px.display(a.head(2), 'first')
            """)
        #expect(out["twice"]!.count == 3)
        #expect(out["first"]!.rows == [[.string("/api/users"), .int64(200)], [.string("/api/users"), .int64(200)]])
    }

    @Test func functionModeConvertsArguments() throws {
        let node = try Node()
        let script = """
            import px

            def slow_requests(start_time: str, min_latency_ms: int, svc: px.Service):
                ''' Requests slower than a threshold. '''
                df = px.DataFrame(table='http_events', start_time=start_time)
                df = df[df.latency > min_latency_ms * 1000000]
                df = df[px.contains(df.req_path, svc)]
                return df[['req_path', 'latency']]
            """
        let out = try node.run(script, function: "slow_requests", args: ["start_time": "-5m", "min_latency_ms": "4", "svc": "orders"])
        #expect(out["slow_requests"]!.sortedRows == [
            [.string("/api/orders"), .int64(20_000_000)], [.string("/api/orders/7"), .int64(40_000_000)],
            [.string("/api/orders/9"), .int64(5_000_000)],
        ])
        #expect(node.error(script, function: "slow_requests", args: ["start_time": "-5m", "min_latency_ms": "x", "svc": "a"])?.message
            .contains("argument 'min_latency_ms' must be an int, got 'x'") == true)
        #expect(node.error(script, function: "nope")?.message.contains("the script has no function 'nope'; functions: slow_requests") == true)
    }

    @Test func metaTables() throws {
        let node = try Node()
        let out = try node.run("""
            import px
            t = px.GetTables()
            px.display(t[t.table_name == 'http_events'], 'tables')
            s = px.GetSchemas()
            px.display(s[s.table_name == 'http_events'], 'schemas')
            px.display(px.GetUDAList(), 'udas')
            """)
        #expect(out["tables"]!.values("rows") == [.int64(10)])
        #expect(out["schemas"]!.values("column_name").count == 22)
        #expect(out["schemas"]!.values("column_name").first == .string("time_"))
        #expect(out["udas"]!.values("name") == ["any", "count", "max", "mean", "min", "quantiles", "sum"].map { .string($0) })
    }
}
