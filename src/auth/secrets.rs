//! Opaque secrets (refresh tokens, API tokens): random, shown once, stored as SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The prefix every API token secret starts with, so scanners can recognise a leaked one.
pub const API_TOKEN_PREFIX: &str = "cgp_";
/// The prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "cgr_";
/// An invitation's token: a person sets their password with it.
pub const INVITATION_PREFIX: &str = "cgi_";

/// `prefix` followed by 43 URL-safe characters (256 random bits).
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret: hex SHA-256. The secrets carry 256 random bits, so a fast
/// hash is enough; a slow one would only slow down every request.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_prefixed() {
        let a = generate(API_TOKEN_PREFIX);
        let b = generate(API_TOKEN_PREFIX);
        assert!(a.starts_with("cgp_"));
        assert!(a.len() >= 4 + 32);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(digest(&a), digest(&a));
    }
}
