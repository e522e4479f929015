//! CPU priority of the threads whose work can wait: people waiting for a
//! page come first, password hashing and SMPP traffic after them. Linux
//! keeps priorities per thread, and threads a thread starts inherit its.

/// The lowest CPU priority for the calling thread. SCHED_IDLE matters
/// most: the kernel preempts such a thread the moment any other thread
/// wakes, whereas a merely nice thread may finish its time slice (about
/// 1.5 ms) first, which showed as a 4x p99 for cheap pages during logins.
/// Nice 19 is the fallback where SCHED_IDLE is unavailable.
pub fn lowest() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: sched_setscheduler reads `param` only; pid 0 is the caller.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0 {
            return;
        }
    }
    low();
}

/// A low CPU priority for the calling thread (nice 19): it yields to the
/// portal's threads, yet is never starved of the CPU entirely.
pub fn low() {
    // SAFETY: setpriority only reads its integer arguments; who = 0 is the caller.
    let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
    if result != 0 {
        tracing::warn!("could not lower the priority of a background thread");
    }
}
