// The SQLite writer's thread as a task executor (docs/architecture.md, "The parts": the SQLite writer). A write
// transaction is Swift code between statements, and each statement runs on the writer's thread (SQLiteNIO). On the
// shared concurrency pool every statement was two thread hops, and the transaction's next step queued behind
// whatever the pool was doing meanwhile (decoding platform answers, serving requests) — while holding the writer. A
// transaction that prefers this executor runs its Swift code on the writer's thread too: a statement's answer
// resumes it on the same thread, with no wake-up and no queue in between (BENCHMARKS.md, "Collector").
import NIOPosix

/// Runs the jobs of tasks that prefer it on a one-thread `NIOThreadPool`, in turn with the pool's work items.
final class ThreadPoolTaskExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    init(_ pool: NIOThreadPool) { self.pool = pool }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // A pool that has shut down runs the item at once, here: the job still runs, on the caller's thread.
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
