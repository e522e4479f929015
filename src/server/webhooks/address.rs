//! Where a webhook may be sent (SSRF): `https://` to public addresses only.
//! A URL is checked when it is registered and again at every attempt,
//! where the addresses its name resolves to are filtered by the resolver
//! the client connects with, so a name that later points inside the
//! provider's network reaches nothing there.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::Url;

use super::UrlPolicy;

pub const MAX_URL: usize = 2048;

/// Why a URL is refused, in words for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRefusal {
    NotUrl,
    TooLong,
    NotHttps,
    NotPublic,
}

impl UrlRefusal {
    pub fn explain(self) -> &'static str {
        match self {
            Self::NotUrl => "url is not an absolute URL with a host.",
            Self::TooLong => "url is longer than 2,048 characters.",
            Self::NotHttps => "url must start with https://.",
            Self::NotPublic => {
                "url must reach a public address: loopback, private, link-local and metadata addresses are refused."
            }
        }
    }
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local (cloud metadata lives there), shared, reserved or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(ip) => is_public_v4(ip),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (b & 0xc0) == 64)
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b & 0xfe) == 18))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local (fc00::/7; AWS's metadata has fd00:ec2::254).
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// Checks a URL's form and, where its host is an address, the address.
pub fn check(url: &str, policy: UrlPolicy) -> Result<Url, UrlRefusal> {
    if url.len() > MAX_URL {
        return Err(UrlRefusal::TooLong);
    }
    let parsed = Url::parse(url.trim()).map_err(|_| UrlRefusal::NotUrl)?;
    let host = parsed.host().ok_or(UrlRefusal::NotUrl)?;
    if policy.allow_private {
        return match parsed.scheme() {
            "https" | "http" => Ok(parsed),
            _ => Err(UrlRefusal::NotHttps),
        };
    }
    if parsed.scheme() != "https" {
        return Err(UrlRefusal::NotHttps);
    }
    let public = match host {
        url::Host::Ipv4(ip) => is_public(ip.into()),
        url::Host::Ipv6(ip) => is_public(ip.into()),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
    };
    if public {
        Ok(parsed)
    } else {
        Err(UrlRefusal::NotPublic)
    }
}

/// [`check`], and the name's addresses now: one that resolves to a
/// private address is refused at once. A name that does not resolve yet is
/// accepted (its DNS may come later); every attempt checks again.
pub async fn check_resolved(url: &str, policy: UrlPolicy) -> Result<Url, UrlRefusal> {
    let parsed = check(url, policy)?;
    if policy.allow_private {
        return Ok(parsed);
    }
    if let (Some(url::Host::Domain(name)), Some(port)) =
        (parsed.host(), parsed.port_or_known_default())
    {
        let lookup = tokio::net::lookup_host((name.to_owned(), port));
        if let Ok(Ok(addresses)) =
            tokio::time::timeout(std::time::Duration::from_secs(3), lookup).await
        {
            let addresses: Vec<SocketAddr> = addresses.collect();
            if addresses.iter().any(|address| !is_public(address.ip())) {
                return Err(UrlRefusal::NotPublic);
            }
        }
    }
    Ok(parsed)
}

/// The resolver deliveries connect with: a name's public addresses only.
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name, 0))
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if addresses.is_empty() {
                return Err("the name resolves to no public address".into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

/// The HTTP client of deliveries: 10 s per attempt, no redirects (a 3xx
/// is not a 2xx), no proxy from the environment, public addresses only
/// unless the policy allows private ones.
pub fn client(policy: UrlPolicy) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("sms-portal-webhooks/", env!("CARGO_PKG_VERSION")));
    let builder = if policy.allow_private {
        builder
    } else {
        builder.dns_resolver(Arc::new(PublicOnly))
    };
    builder
        .build()
        .expect("a client without custom TLS settings always builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: UrlPolicy = UrlPolicy {
        allow_private: false,
    };

    #[test]
    fn refuses_what_reaches_inside() {
        for url in [
            "https://127.0.0.1/hook",
            "https://127.1.2.3:8443/",
            "https://10.0.0.7/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.100.100.200/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fd00:ec2::254]/",
            "https://[fe80::1]/",
            "https://[64:ff9b::a00:1]/",
            "https://localhost/",
            "https://api.localhost./",
        ] {
            assert_eq!(
                check(url, STRICT).err(),
                Some(UrlRefusal::NotPublic),
                "{url}"
            );
        }
    }

    #[test]
    fn wants_https_and_a_url() {
        assert_eq!(
            check("http://example.com/", STRICT).err(),
            Some(UrlRefusal::NotHttps)
        );
        assert_eq!(
            check("ftp://example.com/", STRICT).err(),
            Some(UrlRefusal::NotHttps)
        );
        assert_eq!(
            check("example.com/hook", STRICT).err(),
            Some(UrlRefusal::NotUrl)
        );
        assert_eq!(
            check("file:///etc/passwd", STRICT).err(),
            Some(UrlRefusal::NotUrl)
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL));
        assert_eq!(check(&long, STRICT).err(), Some(UrlRefusal::TooLong));
        assert!(check("https://hooks.example.com/sms?x=1", STRICT).is_ok());
        assert!(check("https://93.184.215.14/", STRICT).is_ok());
        assert!(check("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", STRICT).is_ok());
    }

    #[test]
    fn the_development_flag_lifts_both_rules() {
        let open = UrlPolicy {
            allow_private: true,
        };
        assert!(check("http://127.0.0.1:9000/hook", open).is_ok());
        assert_eq!(
            check("ftp://127.0.0.1/", open).err(),
            Some(UrlRefusal::NotHttps)
        );
    }

    #[tokio::test]
    async fn the_resolver_hides_private_addresses() {
        use reqwest::dns::Resolve;
        // localhost resolves (from /etc/hosts) to loopback only.
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        assert!(PublicOnly.resolve(name).await.is_err());
    }
}
