//! Returning freed memory to the system, for the long-running bot (`rumbo run`).
//!
//! Contract: with glibc's allocator (Debian, the deployment target), a process that handled a
//! crowd keeps the memory its freed allocations left behind: each thread allocating through
//! its own arena, freed blocks scattered between live ones. Measured on the memory
//! benchmark (`benches/e2e.rs`), the heap in use stayed under 36 MiB while the resident memory
//! kept growing with every thousand chats. [`limit_arenas`] (before any thread starts) keeps
//! the allocations in two arenas, and [`give_back`] (each sweep) hands the free pages back.
//! Elsewhere (musl, other systems) both do nothing.

/// Limits glibc's allocator to two arenas. Call before the runtime starts its threads.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// `M_ARENA_MAX` in glibc's `malloc.h`.
        const M_ARENA_MAX: i32 = -8;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: `mallopt` only sets an allocator parameter; any value is accepted or
        // refused (returning 0), never undefined.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// Gives the allocator's free pages back to the system.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: `malloc_trim` takes the allocator's own locks and releases only free pages.
        unsafe {
            malloc_trim(0);
        }
    }
}
