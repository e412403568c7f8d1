//! Access tokens: short-lived JWTs, validated as RFC 8725 asks. One configured algorithm is
//! accepted; `exp`, `nbf`, `iat`, `iss`, `aud` and `sub` are all required and checked, with
//! at most 5 seconds of leeway, and from `iat` to `exp` no longer than the configured
//! lifetime; the header must say `typ: at+jwt` (RFC 9068), which refresh tokens (opaque,
//! not JWTs) can never satisfy.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `typ` header of access tokens.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
pub const LEEWAY_SECONDS: u64 = 5;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    /// The session (refresh-token family) the token was issued under: signing out of it,
    /// or a replay that revokes it, ends the token too.
    pub sid: String,
}

/// What a valid access token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessToken {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// Why a token was refused. Clients only ever see UNAUTHENTICATED; the reason is logged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is malformed or uses an algorithm other than the configured one")]
    Header,
    #[error("the token's typ is not at+jwt")]
    Type,
    #[error("the token was refused: {0}")]
    Invalid(String),
    #[error("the token was issued in the future")]
    IssuedInFuture,
    #[error("the token lives longer than access tokens are issued for")]
    Lifetime,
    #[error("the token's subject is not a user id")]
    Subject,
    #[error("the token names no session")]
    Session,
}

/// The configured signing and verification keys.
pub enum KeyMaterial {
    /// HS256 with a shared secret of at least 32 bytes.
    Secret(Vec<u8>),
    /// EdDSA (Ed25519) with PEM keys.
    Ed {
        private_pem: Vec<u8>,
        public_pem: Vec<u8>,
    },
    /// RS256 with PEM keys.
    Rsa {
        private_pem: Vec<u8>,
        public_pem: Vec<u8>,
    },
}

pub struct JwtKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    access_ttl: Duration,
}

/// A signed access token and when it expires.
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl JwtKeys {
    pub fn new(
        material: KeyMaterial,
        issuer: String,
        audience: String,
        access_ttl: Duration,
    ) -> Result<Self, String> {
        let (algorithm, encoding, decoding) = match material {
            KeyMaterial::Secret(secret) => {
                if secret.len() < 32 {
                    return Err(format!(
                        "an HS256 secret must be at least 32 bytes; it is {}",
                        secret.len()
                    ));
                }
                (
                    Algorithm::HS256,
                    EncodingKey::from_secret(&secret),
                    DecodingKey::from_secret(&secret),
                )
            }
            KeyMaterial::Ed {
                private_pem,
                public_pem,
            } => (
                Algorithm::EdDSA,
                EncodingKey::from_ed_pem(&private_pem)
                    .map_err(|e| format!("the EdDSA private key is not usable: {e}"))?,
                DecodingKey::from_ed_pem(&public_pem)
                    .map_err(|e| format!("the EdDSA public key is not usable: {e}"))?,
            ),
            KeyMaterial::Rsa {
                private_pem,
                public_pem,
            } => (
                Algorithm::RS256,
                EncodingKey::from_rsa_pem(&private_pem)
                    .map_err(|e| format!("the RS256 private key is not usable: {e}"))?,
                DecodingKey::from_rsa_pem(&public_pem)
                    .map_err(|e| format!("the RS256 public key is not usable: {e}"))?,
            ),
        };
        Ok(Self {
            algorithm,
            encoding,
            decoding,
            issuer,
            audience,
            access_ttl,
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Signs an access token for `user_id` in the session `session_id`.
    pub fn issue(&self, user_id: Uuid, session_id: Uuid) -> Result<IssuedToken, String> {
        let now = Utc::now();
        let expires_at = now + self.access_ttl;
        let claims = AccessClaims {
            sub: user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
            sid: session_id.to_string(),
        };
        let token = self.sign(&claims)?;
        Ok(IssuedToken { token, expires_at })
    }

    fn sign(&self, claims: &AccessClaims) -> Result<String, String> {
        let mut header = Header::new(self.algorithm);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// The user and session an access token was issued to, if every check passes.
    pub fn validate(&self, token: &str) -> Result<AccessToken, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Header)?;
        if header.alg != self.algorithm {
            return Err(TokenError::Header);
        }
        if !header
            .typ
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(ACCESS_TOKEN_TYPE))
        {
            return Err(TokenError::Type);
        }
        let mut validation = Validation::new(self.algorithm);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?;
        if data.claims.iat > Utc::now().timestamp() + LEEWAY_SECONDS as i64 {
            return Err(TokenError::IssuedInFuture);
        }
        // A token made to outlive the configured lifetime was not issued here.
        if data.claims.exp - data.claims.iat > self.access_ttl.num_seconds() + LEEWAY_SECONDS as i64
        {
            return Err(TokenError::Lifetime);
        }
        let user_id = Uuid::try_parse(&data.claims.sub).map_err(|_| TokenError::Subject)?;
        let session_id = Uuid::try_parse(&data.claims.sid).map_err(|_| TokenError::Session)?;
        let expires_at = DateTime::from_timestamp(data.claims.exp, 0).ok_or(TokenError::Session)?;
        Ok(AccessToken {
            user_id,
            session_id,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const SECRET: &[u8] = b"a test secret that is long enough for HS256";

    fn keys() -> JwtKeys {
        JwtKeys::new(
            KeyMaterial::Secret(SECRET.to_vec()),
            "channelgraph".into(),
            "channelgraph-api".into(),
            Duration::minutes(15),
        )
        .unwrap()
    }

    fn claims(shift: impl Fn(&mut AccessClaims)) -> AccessClaims {
        let now = Utc::now().timestamp();
        let mut c = AccessClaims {
            sub: Uuid::now_v7().to_string(),
            iss: "channelgraph".into(),
            aud: "channelgraph-api".into(),
            exp: now + 600,
            nbf: now,
            iat: now,
            jti: "t".into(),
            sid: Uuid::now_v7().to_string(),
        };
        shift(&mut c);
        c
    }

    fn signed(alg: Algorithm, typ: Option<&str>, secret: &[u8], claims: &AccessClaims) -> String {
        let mut header = Header::new(alg);
        header.typ = typ.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).unwrap()
    }

    #[test]
    fn an_issued_token_validates_to_its_user() {
        let keys = keys();
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let issued = keys.issue(user, session).unwrap();
        let valid = keys.validate(&issued.token).unwrap();
        assert_eq!((valid.user_id, valid.session_id), (user, session));
        assert_eq!(valid.expires_at.timestamp(), issued.expires_at.timestamp());
    }

    #[test]
    fn a_short_secret_is_refused() {
        let err = JwtKeys::new(
            KeyMaterial::Secret(b"short".to_vec()),
            "i".into(),
            "a".into(),
            Duration::minutes(1),
        )
        .err()
        .unwrap();
        assert_eq!(err, "an HS256 secret must be at least 32 bytes; it is 5");
    }

    #[test]
    fn alg_none_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(|_| {})).unwrap());
        let token = format!("{header}.{body}.");
        assert_eq!(keys().validate(&token), Err(TokenError::Header));
    }

    #[test]
    fn another_key_another_algorithm_and_another_type_are_refused() {
        let keys = keys();
        let c = claims(|_| {});
        let other_key = signed(
            Algorithm::HS256,
            Some("at+jwt"),
            b"another secret, also long enough!!",
            &c,
        );
        assert!(matches!(
            keys.validate(&other_key),
            Err(TokenError::Invalid(_))
        ));
        let other_alg = signed(Algorithm::HS512, Some("at+jwt"), SECRET, &c);
        assert_eq!(keys.validate(&other_alg), Err(TokenError::Header));
        let plain_jwt = signed(Algorithm::HS256, Some("JWT"), SECRET, &c);
        assert_eq!(keys.validate(&plain_jwt), Err(TokenError::Type));
    }

    #[test]
    fn expired_early_and_future_tokens_are_refused() {
        let keys = keys();
        let now = Utc::now().timestamp();
        for (name, c) in [
            ("expired", claims(|c| c.exp = now - 60)),
            ("not yet valid", claims(|c| c.nbf = now + 60)),
            ("issued in the future", claims(|c| c.iat = now + 60)),
            (
                "longer-lived than issued",
                claims(|c| c.exp = now + 15 * 60 + 60),
            ),
            (
                "issued long ago to outlive its lifetime",
                claims(|c| c.iat = now - 3_600),
            ),
        ] {
            let token = signed(Algorithm::HS256, Some("at+jwt"), SECRET, &c);
            assert!(keys.validate(&token).is_err(), "{name}");
        }
    }

    #[test]
    fn the_wrong_issuer_audience_or_subject_is_refused() {
        let keys = keys();
        for (name, c) in [
            ("issuer", claims(|c| c.iss = "someone-else".into())),
            ("audience", claims(|c| c.aud = "another-api".into())),
            ("subject", claims(|c| c.sub = "admin".into())),
            ("session", claims(|c| c.sid = "a session".into())),
        ] {
            let token = signed(Algorithm::HS256, Some("at+jwt"), SECRET, &c);
            assert!(keys.validate(&token).is_err(), "{name}");
        }
    }

    #[test]
    fn missing_claims_are_refused() {
        let keys = keys();
        let now = Utc::now().timestamp();
        for missing in ["iss", "aud", "sub", "exp", "nbf", "iat", "sid"] {
            let mut value = serde_json::to_value(claims(|_| {})).unwrap();
            value.as_object_mut().unwrap().remove(missing);
            let mut header = Header::new(Algorithm::HS256);
            header.typ = Some("at+jwt".into());
            let token =
                jsonwebtoken::encode(&header, &value, &EncodingKey::from_secret(SECRET)).unwrap();
            assert!(keys.validate(&token).is_err(), "{missing} missing at {now}");
        }
    }
}
