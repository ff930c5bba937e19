//! The transport on its own: which client a proxy setting picks, TLS verified against the
//! trusted roots, and a server that never answers. (Every test against the fake Bot API runs
//! the direct client over plain HTTP; `tests/bot.rs` runs the proxied one.)

use super::*;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate for `localhost` and 127.0.0.1, self-signed, for these tests only (made with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
/// -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -addext
/// basicConstraints=critical,CA:FALSE`), and its key.
const CERT: &[u8] = include_bytes!("test-cert.pem");
const KEY: &[u8] = include_bytes!("test-key.pem");

fn urls(base: &str) -> Vec<url::Url> {
    ["getMe", "sendMessage"]
        .iter()
        .map(|m| url::Url::parse(&format!("{base}/bot1:x/{m}")).unwrap())
        .collect()
}

fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

#[test]
fn a_proxy_for_the_api_url_sends_through_reqwest() {
    let pick = |base: &str, proxies: Matcher, teloxide: bool| {
        Http::choose(urls(base), reqwest_client(), &proxies, teloxide, roots())
            .unwrap()
            .proxied()
    };
    let none = || Matcher::builder().build();
    let http_only = || Matcher::builder().http("http://proxy.example:3128").build();
    assert!(!pick("https://api.telegram.org", none(), false));
    assert!(pick("https://api.telegram.org", none(), true));
    assert!(pick(
        "https://api.telegram.org",
        Matcher::builder().all("http://proxy.example:3128").build(),
        false
    ));
    // A proxy for the other scheme, or one the host is exempt from, does not apply.
    assert!(!pick("https://api.telegram.org", http_only(), false));
    assert!(pick("http://127.0.0.1:8081", http_only(), false));
    assert!(!pick(
        "https://api.telegram.org",
        Matcher::builder()
            .https("http://proxy.example:3128")
            .no("api.telegram.org")
            .build(),
        false
    ));
}

/// Serves one HTTPS connection on loopback with the test certificate, answering every request
/// with `{"ok":true,"result":…}` naming its path; returns the port.
async fn tls_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let certs = vec![CertificateDer::from_pem_slice(CERT).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let Ok(tls) = acceptor.accept(tcp).await else {
                continue;
            };
            let service = hyper::service::service_fn(|request: http::Request<_>| async move {
                let body = format!(r#"{{"ok":true,"result":"{}"}}"#, request.uri().path());
                Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(body))))
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service),
            );
        }
    });
    port
}

#[tokio::test]
async fn tls_is_verified_against_the_trusted_roots() {
    let port = tls_server().await;
    let base = format!("https://localhost:{port}");
    let body = Bytes::from_static(b"{}");
    // Trusting the test certificate: the request goes through, twice on one connection.
    let mut trusted = rustls::RootCertStore::empty();
    trusted
        .add(CertificateDer::from_pem_slice(CERT).unwrap())
        .unwrap();
    let http = Http::choose(
        urls(&base),
        reqwest_client(),
        &Matcher::builder().build(),
        false,
        trusted,
    )
    .unwrap();
    for _ in 0..2 {
        let (status, answer) = http.post(1, &body).await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(
            &answer[..],
            br#"{"ok":true,"result":"/bot1:x/sendMessage"}"#
        );
    }
    // With the roots the bot ships with, a certificate no authority signed is refused.
    let shipped = Http::choose(
        urls(&base),
        reqwest_client(),
        &Matcher::builder().build(),
        false,
        roots(),
    )
    .unwrap();
    assert!(shipped.post(1, &body).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_is_no_answer_after_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts, reads nothing, says nothing.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let http = Http::choose(
        urls(&format!("http://127.0.0.1:{port}")),
        reqwest_client(),
        &Matcher::builder().build(),
        false,
        roots(),
    )
    .unwrap();
    let started = tokio::time::Instant::now();
    assert!(http.post(0, &Bytes::from_static(b"{}")).await.is_err());
    assert!(started.elapsed() >= REQUEST_TIMEOUT);
}
