use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::domain::Password;

/// argon2id hashing off the async runtime. Each hash takes ~19 MiB and tens
/// of milliseconds, so a semaphore bounds how many run at once: a burst of
/// logins queues instead of exhausting memory or starving other requests.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified for unknown logins, so timing does not reveal which logins exist.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new() -> Self {
        // One core stays free of hashing, so a wave of logins cannot starve
        // every other request (measured by the benchmark's login row).
        let workers =
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        let dummy = hash_now("dummy password for unknown logins");
        Self {
            permits: Arc::new(Semaphore::new(workers)),
            dummy_hash: dummy.into(),
        }
    }

    pub async fn hash(&self, password: &Password) -> String {
        let password = password.expose().to_owned();
        self.run(move || hash_now(&password)).await
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
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore is never closed");
        tokio::task::spawn_blocking(work)
            .await
            .expect("password hashing panicked")
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
