use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::{Arc, Mutex};

use crate::domain::Password;

/// A strong random password for someone else to use: 20 letters and
/// digits (about 119 bits) from the thread's cryptographic generator,
/// easy to copy and to type.
pub fn generate() -> Password {
    use rand::{distributions::Alphanumeric, Rng};
    let raw: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    Password::parse(&raw).expect("20 letters and digits make a valid password")
}

/// argon2id hashing off the async runtime, on a few dedicated threads of
/// the lowest CPU priority. Each hash takes ~19 MiB and tens of
/// milliseconds: the threads bound how many run at once (a burst of logins
/// queues instead of exhausting memory), one core stays free of hashing, and
/// the kernel runs every other request first, so a wave of logins cannot
/// starve the server (the benchmark's login row measures it).
#[derive(Clone)]
pub struct Passwords {
    jobs: std::sync::mpsc::Sender<Job>,
    /// Verified for unknown logins, so timing does not reveal which logins exist.
    dummy_hash: Arc<str>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Passwords {
    pub fn new() -> Self {
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    super::priority::lowest();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // every `Passwords` is gone
                        }
                    }
                })
                .expect("a hashing thread starts");
        }
        Self {
            jobs,
            dummy_hash: hash_now("dummy password for unknown logins").into(),
        }
    }

    pub async fn hash(&self, password: &Password) -> String {
        let password = password.expose().to_owned();
        self.run(move || hash_now(&password)).await
    }

    /// Hashes a secret the server made itself: an SMPP password, whose 8
    /// characters (SMPP 3.4's limit) are too few for a [`Password`].
    pub async fn hash_generated(&self, secret: &str) -> String {
        let secret = secret.to_owned();
        self.run(move || hash_now(&secret)).await
    }

    /// Checks `password` against `stored`, or against the dummy hash when
    /// there is no stored hash, taking the same time either way.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matches = self
            .run(move || {
                PasswordHash::new(&hash).is_ok_and(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
            })
            .await;
        known && matches
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .expect("hashing threads run while Passwords exists");
        result.await.expect("password hashing panicked")
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_at_the_idle_scheduling_policy() {
        let passwords = Passwords::new();
        // SAFETY: sched_getscheduler only reads; pid 0 is the hashing thread.
        let policy = passwords
            .run(|| unsafe { libc::sched_getscheduler(0) })
            .await;
        assert_eq!(policy, libc::SCHED_IDLE);
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify() {
        let passwords = Passwords::new();
        let password = Password::parse("a long enough secret").unwrap();
        let hash = passwords.hash(&password).await;
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("secret"));
        assert!(passwords.verify("a long enough secret", Some(&hash)).await);
        assert!(!passwords.verify("a long enough secreT", Some(&hash)).await);
        assert!(
            !passwords
                .verify("dummy password for unknown logins", None)
                .await
        );
    }
}
