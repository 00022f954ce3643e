//! The web client's figures: page weight (HTML, stylesheet and script
//! transferred, before user content) and how long the server takes to answer
//! the inbox and a transaction page, p50 and p99, measured from a client on
//! the same machine (loopback HTTP included), one request at a time.
//!
//! The data: 50 transactions of one beneficiary, each with 10 comments, the
//! measured one with 40 (a long timeline); 8 employees share them by routing.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use reqwest::header::{COOKIE, SET_COOKIE};
use tawasul_client::Client;

/// A browser without JavaScript: cookies kept, redirects not followed.
struct Page {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Page {
    fn new(base: &str) -> anyhow::Result<Page> {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(Page { base: base.to_owned(), http, cookies: BTreeMap::new() })
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> anyhow::Result<(u16, String)> {
        let cookies = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let res = req.header(COOKIE, cookies).send().await?;
        for c in res.headers().get_all(SET_COOKIE) {
            if let Some((k, v)) = c.to_str()?.split(';').next().and_then(|p| p.split_once('=')) {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = res.status().as_u16();
        Ok((status, res.text().await?))
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<(u16, String)> {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn sign_in(base: &str, login: &str, password: &str) -> anyhow::Result<Page> {
        let mut p = Page::new(base)?;
        let (_, form) = p.get("/sign-in").await?;
        let csrf = csrf_of(&form).ok_or_else(|| anyhow::anyhow!("no CSRF token on the sign-in page"))?;
        let req = http_post(&p, "/sign-in").form(&[("login", login), ("password", password), ("csrf", csrf.as_str())]);
        let (status, _) = p.send(req).await?;
        anyhow::ensure!(status == 303, "signing in answered {status}");
        Ok(p)
    }
}

fn http_post(p: &Page, path: &str) -> reqwest::RequestBuilder {
    p.http.post(format!("{}{path}", p.base))
}

fn csrf_of(html: &str) -> Option<String> {
    let key = "name=\"csrf\" value=\"";
    let at = html.find(key)? + key.len();
    html[at..].split('"').next().map(str::to_owned)
}

/// Requests `path` one after another for `seconds`; latencies in µs.
async fn measure(p: &mut Page, path: &str, seconds: u64) -> anyhow::Result<Histogram<u64>> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        let t = Instant::now();
        let (status, _) = p.get(path).await?;
        anyhow::ensure!(status == 200, "{path} answered {status}");
        h.record(t.elapsed().as_micros() as u64)?;
    }
    Ok(h)
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

pub async fn run(
    base: &str,
    beneficiary: &Client,
    login: &str,
    password: &str,
    employee_login: &str,
    new_transaction: impl Fn(u64) -> tawasul_core::api::CreateTransactionRequest,
    seconds: u64,
) -> anyhow::Result<()> {
    let mut measured = None;
    for n in 0..50u64 {
        let t = beneficiary.create_transaction(&new_transaction(n)).await?;
        let comments = if n == 0 { 40 } else { 10 };
        for i in 0..comments {
            beneficiary.comment(t.id, "external", &format!("تعليق رقم {i}: أرجو الإفادة عن حالة الطلب.")).await?;
        }
        measured.get_or_insert(t.id);
    }
    let id = measured.ok_or_else(|| anyhow::anyhow!("no transaction"))?;
    let mut ben = Page::sign_in(base, login, password).await?;
    let mut emp = Page::sign_in(base, employee_login, password).await?;
    let (_, css) = ben.get("/assets/tawasul.css").await?;
    let (_, js) = ben.get("/assets/tawasul.js").await?;
    let assets = css.len() + js.len();
    println!("pages: stylesheet {:.1} KB, script {:.1} KB", css.len() as f64 / 1000.0, js.len() as f64 / 1000.0);
    let sign_in = Page::new(base)?.get("/sign-in").await?.1;
    let pages = [
        ("sign-in", sign_in),
        ("my transactions (50)", ben.get("/transactions").await?.1),
        ("new request", ben.get("/transactions/new").await?.1),
        ("transaction (41 events)", ben.get(&format!("/transactions/{id}")).await?.1),
        ("inbox", emp.get("/transactions").await?.1),
    ];
    for (name, html) in &pages {
        println!(
            "page weight {name:<24} HTML {:6.1} KB + assets {:.1} KB = {:6.1} KB (target <= 100 KB)",
            html.len() as f64 / 1000.0,
            assets as f64 / 1000.0,
            (html.len() + assets) as f64 / 1000.0
        );
    }
    for (name, page, path) in
        [("inbox", &mut emp, "/transactions".to_owned()), ("transaction page", &mut ben, format!("/transactions/{id}"))]
    {
        let h = measure(page, &path, seconds).await?;
        println!(
            "render {name:<17} p50 {:.2} ms, p99 {:.2} ms ({} requests, one at a time)",
            ms(&h, 0.5),
            ms(&h, 0.99),
            h.len()
        );
    }
    Ok(())
}
