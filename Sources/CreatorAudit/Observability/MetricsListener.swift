// The metrics endpoint on its own listener (README, "Operations": `serve --metrics-port`, loopback by default), so
// that scraping never goes through the API's TLS, authentication or rate limits, and the API port never exposes it.
// Plain HTTP: bind it to loopback or a private interface and let Prometheus scrape from there.
import Hummingbird
import Logging
import NIOCore

enum MetricsListener {
    /// `GET /metrics` in the Prometheus text format; anything else is 404.
    static func application(
        metrics: ServerMetrics, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emit())))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
