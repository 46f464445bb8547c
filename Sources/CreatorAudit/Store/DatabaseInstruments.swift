// What the operator's metrics need from the database (Observability/ServerMetrics.swift): how many units of work
// hold a connection now, how many wait for one, and how long each held it. `Database.read`/`write` report here;
// the Store knows nothing of Prometheus — the metrics attach an observer.
import Foundation
import NIOConcurrencyHelpers

public final class DatabaseInstruments: Sendable {
    public enum Kind: Sendable { case read, write }

    public struct Figures: Sendable, Equatable {
        public var inUse = 0
        public var waiting = 0
    }

    private struct State {
        var figures = Figures()
        var observer: (@Sendable (Kind, Duration) -> Void)?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public var current: Figures { state.withLockedValue { $0.figures } }

    /// `observer` gets every unit of work's duration from now on (one observer; a later call replaces it).
    public func observe(_ observer: @escaping @Sendable (Kind, Duration) -> Void) {
        state.withLockedValue { $0.observer = observer }
    }

    /// A unit of work starts waiting for its connection.
    func begin(_ kind: Kind) -> Lease {
        state.withLockedValue { $0.figures.waiting += 1 }
        return Lease(instruments: self, kind: kind)
    }

    /// One unit of work: waiting until `acquired`, in use until `end`.
    final class Lease: @unchecked Sendable {
        // Touched only by the task running the unit of work (`acquired` inside its body, `end` in its defer).
        private var acquiredAt: ContinuousClock.Instant?
        private let instruments: DatabaseInstruments
        private let kind: Kind

        fileprivate init(instruments: DatabaseInstruments, kind: Kind) {
            self.instruments = instruments
            self.kind = kind
        }

        /// Marks the moment the connection is handed over; returns it unchanged.
        func acquired<D>(_ connection: D) -> D {
            if acquiredAt == nil {
                acquiredAt = .now
                instruments.state.withLockedValue {
                    $0.figures.waiting -= 1
                    $0.figures.inUse += 1
                }
            }
            return connection
        }

        func end() {
            let observer = instruments.state.withLockedValue { state -> (@Sendable (Kind, Duration) -> Void)? in
                if acquiredAt == nil { state.figures.waiting -= 1 } else { state.figures.inUse -= 1 }
                return state.observer
            }
            if let acquiredAt, let observer { observer(kind, .now - acquiredAt) }
        }
    }
}
