//! Passwords, hashed with argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as
//! OWASP recommends) into PHC strings that carry their own parameters and salt.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

use crate::error::{Error, ErrorCode, Result};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted; longer input is refused rather than hashed at length.
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Checks a new password's length; `field` names it in the error.
pub fn check_new(field: &[&str], password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("the password must be at least {MIN_LENGTH} characters long"),
        ));
    }
    if chars > MAX_LENGTH {
        return Err(Error::user(
            field,
            ErrorCode::TooLong,
            format!("the password must be at most {MAX_LENGTH} characters long"),
        ));
    }
    Ok(())
}

/// The PHC string of a new password.
pub fn hash(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody has, to spend the same time on unknown emails as on known
/// ones, so the answer's timing does not tell whether an account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that never matches").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_argon2id_hash_only() {
        let stored = hash("correct horse battery staple").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$"));
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapl", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(check_new(&["password"], "short").is_err());
        assert!(check_new(&["password"], &"x".repeat(257)).is_err());
        assert!(check_new(&["password"], "twelve chars").is_ok());
    }
}
