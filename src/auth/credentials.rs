//! What a node remembers of the credentials it has checked, and forgets as soon as any node
//! revokes one.
//!
//! Every request's credential is checked against the database once (the user is active, the
//! session not signed out, the API token live), then remembered for a few seconds, keyed by
//! a digest of the credential. A revocation is written in the revoking change's transaction
//! (`revocations`); PostgreSQL NOTIFYs every node at commit, and on SQLite each node reads
//! the table every 100 ms. The node that revokes forgets at once. A lookup that was under
//! way when a revocation arrived does not store what it read.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use entity::revocation;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::access::Principal;
use crate::error::Result;

/// The most credentials a node remembers; past it the memory starts again.
const CAPACITY: usize = 100_000;

/// The PostgreSQL channel revocations are notified on.
pub const CHANNEL: &str = "channelgraph_revocations";

/// A credential that stopped working.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    /// A session (a refresh-token family) and every access token issued under it.
    Session(Uuid),
    /// Every session of a user: deactivated, or given another role.
    User(Uuid),
    ApiToken(Uuid),
}

impl Revoked {
    fn kind(self) -> &'static str {
        match self {
            Revoked::Session(_) => "session",
            Revoked::User(_) => "user",
            Revoked::ApiToken(_) => "api_token",
        }
    }

    fn subject(self) -> Uuid {
        match self {
            Revoked::Session(id) | Revoked::User(id) | Revoked::ApiToken(id) => id,
        }
    }

    pub fn parse(kind: &str, subject: Uuid) -> Option<Self> {
        match kind {
            "session" => Some(Revoked::Session(subject)),
            "user" => Some(Revoked::User(subject)),
            "api_token" => Some(Revoked::ApiToken(subject)),
            _ => None,
        }
    }

    /// `kind:uuid`, as the PostgreSQL trigger notifies it.
    pub fn from_notification(payload: &str) -> Option<Self> {
        let (kind, id) = payload.split_once(':')?;
        Self::parse(kind, Uuid::try_parse(id).ok()?)
    }

    /// Writes the revocation in the caller's transaction, so every node hears of it when it
    /// commits; the node serving this request forgets at once.
    pub async fn record(self, db: &impl ConnectionTrait) -> Result<()> {
        revocation::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set(self.kind().to_owned()),
            subject_id: Set(self.subject()),
            revoked_at: Set(crate::store::now()),
        }
        .insert(db)
        .await?;
        let _ = NODE.try_with(|node| node.forget(self));
        Ok(())
    }
}

tokio::task_local! {
    /// The memory of the node serving the current request.
    pub static NODE: std::sync::Arc<Credentials>;
}

/// A checked credential: who it stands for and what could revoke it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub principal: Principal,
    /// The session an access token was issued under.
    pub session: Option<Uuid>,
    /// When the credential itself expires, if it does.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Checked {
    /// Whether `revoked` ends this credential.
    pub fn revoked_by(&self, revoked: Revoked) -> bool {
        match revoked {
            Revoked::Session(id) => self.session == Some(id),
            Revoked::User(id) => self.principal.user_id() == Some(id),
            Revoked::ApiToken(id) => {
                matches!(self.principal, Principal::PartnerSystem { token_id, .. } if token_id == id)
            }
        }
    }
}

struct Remembered {
    checked: Checked,
    until: Instant,
}

/// One node's memory of checked credentials, and the feed of revocations its sockets
/// listen to.
pub struct Credentials {
    /// How long a checked credential is remembered (`credential_memory_seconds`). The bus
    /// makes revocations reach every node within a fraction of a second; this bounds what a
    /// change made behind the server's back, in the database itself, can leave accepted.
    remember_for: Duration,
    remembered: Mutex<HashMap<String, Remembered>>,
    /// Moves on at every revocation, so a lookup that overlapped one stores nothing.
    generation: AtomicU64,
    /// Whether revocations reach this node now. While its connection to the bus is down it
    /// remembers nothing and checks every credential in the database.
    listening: AtomicBool,
    revoked: broadcast::Sender<Revoked>,
}

impl Credentials {
    pub fn new(remember_for: Duration) -> Self {
        Self {
            remember_for,
            remembered: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(true),
            revoked: broadcast::channel(1024).0,
        }
    }

    /// What `key` was found to be, if it was checked lately and nothing revoked it since.
    pub fn recall(&self, key: &str) -> Option<Checked> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        let found = remembered.get(key)?;
        let now = Instant::now();
        let expired = found
            .checked
            .expires_at
            .is_some_and(|at| at <= chrono::Utc::now());
        (found.until > now && !expired).then(|| found.checked.clone())
    }

    /// The generation to hand back to [`Credentials::remember`] after a lookup.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers a credential checked in the database, unless a revocation arrived while it
    /// was being checked.
    pub fn remember(&self, key: String, checked: Checked, generation: u64) {
        let mut remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) != generation
            || self.remember_for.is_zero()
            || !self.listening.load(Ordering::Acquire)
        {
            return;
        }
        if remembered.len() >= CAPACITY {
            let now = Instant::now();
            remembered.retain(|_, r| r.until > now);
            if remembered.len() >= CAPACITY {
                remembered.clear();
            }
        }
        remembered.insert(
            key,
            Remembered {
                checked,
                until: Instant::now() + self.remember_for,
            },
        );
    }

    /// Forgets every credential `revoked` ends, and tells this node's sockets.
    pub fn forget(&self, revoked: Revoked) {
        {
            let mut remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
            self.generation.fetch_add(1, Ordering::AcqRel);
            remembered.retain(|_, r| !r.checked.revoked_by(revoked));
        }
        let _ = self.revoked.send(revoked);
    }

    /// Forgets everything: revocations may have been missed (the bus reconnected).
    pub fn forget_all(&self) {
        let mut remembered = self.remembered.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        remembered.clear();
    }

    /// The node stopped hearing revocations: it forgets everything and remembers nothing
    /// until [`Credentials::listen_again`].
    pub fn deaf(&self) {
        self.listening.store(false, Ordering::Release);
        self.forget_all();
    }

    /// The node hears revocations again; what it missed meanwhile it never remembered.
    pub fn listen_again(&self) {
        self.forget_all();
        self.listening.store(true, Ordering::Release);
    }

    /// [`Credentials::listen_again`], if the node was deaf.
    pub fn listen_again_if_deaf(&self) {
        if !self.listening.load(Ordering::Acquire) {
            self.listen_again();
        }
    }

    /// Revocations as this node hears of them.
    pub fn revocations(&self) -> broadcast::Receiver<Revoked> {
        self.revoked.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::UserRole;

    fn staff(user: Uuid, session: Uuid) -> Checked {
        Checked {
            principal: Principal::Staff {
                user_id: user,
                role: UserRole::Admin,
            },
            session: Some(session),
            expires_at: None,
        }
    }

    #[test]
    fn a_revocation_forgets_what_it_ends_and_nothing_else() {
        let memory = Credentials::new(Duration::from_secs(60));
        let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
        let (s1, s2, s3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let g = memory.generation();
        memory.remember("a1".into(), staff(alice, s1), g);
        memory.remember("a2".into(), staff(alice, s2), g);
        memory.remember("b1".into(), staff(bob, s3), g);
        memory.forget(Revoked::Session(s1));
        assert!(memory.recall("a1").is_none());
        assert!(memory.recall("a2").is_some());
        memory.forget(Revoked::User(alice));
        assert!(memory.recall("a2").is_none());
        assert!(memory.recall("b1").is_some());
    }

    #[test]
    fn a_lookup_overlapping_a_revocation_stores_nothing() {
        let memory = Credentials::new(Duration::from_secs(60));
        let user = Uuid::now_v7();
        let session = Uuid::now_v7();
        let before = memory.generation();
        memory.forget(Revoked::Session(session));
        memory.remember("t".into(), staff(user, session), before);
        assert!(memory.recall("t").is_none());
    }

    #[test]
    fn notifications_parse() {
        let id = Uuid::now_v7();
        assert_eq!(
            Revoked::from_notification(&format!("api_token:{id}")),
            Some(Revoked::ApiToken(id))
        );
        assert_eq!(Revoked::from_notification("nonsense"), None);
    }
}
