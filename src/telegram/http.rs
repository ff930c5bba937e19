//! How rumbo's Bot API requests travel: on hyper's client directly, or, when an outbound proxy
//! is configured, on teloxide's reqwest client, which speaks to proxies.
//!
//! Why not reqwest always: under load its layers around hyper (following redirects, which
//! parses each request's URL again from text; retrying; turning the URL into a URI) were about
//! a tenth of the bot's time (README, "Where the time goes"), and the Bot API neither
//! redirects nor needs them. Directly, a request is the method's URI (parsed once), a
//! `Content-Type` header and the JSON body, shared by a request's attempts.
//!
//! What stays as reqwest did it for teloxide: TLS by rustls with the Mozilla roots of
//! `webpki-roots` and certificates verified; a connection made within 5 s and reused; a request
//! answered within 17 s (above getUpdates' long poll), else a network error; no redirect
//! followed. A proxy from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
//! `NO_PROXY`, as reqwest reads them, or teloxide's `TELOXIDE_PROXY`) sends every request
//! through reqwest instead, as before.
//!
//! Nothing here logs or returns a URI: they hold the bot's token.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// A connection is made within this long (teloxide's client: the same).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A request, its answer read whole, within this long (teloxide's client: the same; above
/// getUpdates' long poll of [`super::api::LONG_POLL`] seconds).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(17);

/// No answer: the connection failed, timed out or broke.
#[derive(Debug)]
pub(super) struct NoAnswer;

/// The Bot API's URL for each method, and the client that posts to them.
pub(super) enum Http {
    /// hyper's client, each method's URI parsed once.
    Direct {
        client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
        uris: Vec<http::Uri>,
    },
    /// teloxide's reqwest client, through the proxy the environment names.
    Proxied {
        client: reqwest::Client,
        urls: Vec<url::Url>,
    },
}

impl Http {
    /// Posts to `urls` (one per method) directly, or with `proxied` (teloxide's client) when
    /// the environment names a proxy for them.
    pub(super) fn new(urls: Vec<url::Url>, proxied: reqwest::Client) -> anyhow::Result<Self> {
        let teloxide_proxy = std::env::var_os("TELOXIDE_PROXY").is_some();
        Self::choose(
            urls,
            proxied,
            &Matcher::from_system(),
            teloxide_proxy,
            roots(),
        )
    }

    /// [`Http::new`] with the proxy settings and the trusted roots given.
    fn choose(
        urls: Vec<url::Url>,
        proxied: reqwest::Client,
        proxies: &Matcher,
        teloxide_proxy: bool,
        roots: rustls::RootCertStore,
    ) -> anyhow::Result<Self> {
        let uris = urls
            .iter()
            .map(|url| url.as_str().parse::<http::Uri>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| anyhow::anyhow!("the Bot API URL is not a valid URI"))?;
        if teloxide_proxy || uris.iter().any(|uri| proxies.intercept(uri).is_some()) {
            return Ok(Http::Proxied {
                client: proxied,
                urls,
            });
        }
        Ok(Http::Direct {
            client: direct(roots)?,
            uris,
        })
    }

    /// Whether requests go through reqwest and a proxy.
    pub(super) fn proxied(&self) -> bool {
        matches!(self, Http::Proxied { .. })
    }

    /// Posts `body` (JSON) to method `index`'s URL: the answer's status and body.
    pub(super) async fn post(&self, index: usize, body: &Bytes) -> Result<(u16, Bytes), NoAnswer> {
        match self {
            Http::Direct { client, uris } => {
                let request = http::Request::post(uris[index].clone())
                    .header(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    )
                    .body(Full::new(body.clone()))
                    .map_err(|_| NoAnswer)?;
                let answer = async {
                    let response = client.request(request).await.map_err(|_| NoAnswer)?;
                    let status = response.status().as_u16();
                    let body = response.into_body().collect().await.map_err(|_| NoAnswer)?;
                    Ok((status, body.to_bytes()))
                };
                tokio::time::timeout(REQUEST_TIMEOUT, answer)
                    .await
                    .map_err(|_| NoAnswer)?
            }
            Http::Proxied { client, urls } => {
                let response = client
                    .post(urls[index].clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .map_err(|_| NoAnswer)?;
                let status = response.status().as_u16();
                let body = response.bytes().await.map_err(|_| NoAnswer)?;
                Ok((status, body))
            }
        }
    }
}

/// The roots reqwest trusted for teloxide: Mozilla's, from `webpki-roots`.
fn roots() -> rustls::RootCertStore {
    rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// hyper's client over TCP, with TLS (rustls, ring) for `https` URLs, trusting `roots`.
fn direct(
    roots: rustls::RootCertStore,
) -> anyhow::Result<Client<HttpsConnector<HttpConnector>, Full<Bytes>>> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| anyhow::anyhow!("TLS for the Bot API: {e}"))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    Ok(Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(connector))
}

#[cfg(test)]
mod tests;
