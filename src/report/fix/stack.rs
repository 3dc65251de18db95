//! The stacks fixes are written for, and which of them a target showed (from the scan's site profile: banners,
//! marker headers, cookie names, page content).

use crate::model::SiteProfile;

/// A layer a fix can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stack {
    Nginx,
    Apache,
    Caddy,
    Iis,
    Express,
    NextJs,
    Django,
    Rails,
    Laravel,
    AspNet,
    Php,
    WordPress,
    Cloudflare,
    Vercel,
    Netlify,
}

impl Stack {
    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Stack::Nginx => "nginx",
            Stack::Apache => "Apache httpd",
            Stack::Caddy => "Caddy",
            Stack::Iis => "IIS",
            Stack::Express => "Express",
            Stack::NextJs => "Next.js",
            Stack::Django => "Django",
            Stack::Rails => "Rails",
            Stack::Laravel => "Laravel",
            Stack::AspNet => "ASP.NET",
            Stack::Php => "PHP",
            Stack::WordPress => "WordPress",
            Stack::Cloudflare => "Cloudflare",
            Stack::Vercel => "Vercel",
            Stack::Netlify => "Netlify",
        }
    }

    /// The stack of a technology name from the site profile (or a banner's product name).
    pub fn from_name(name: &str) -> Option<Stack> {
        Some(match name.to_ascii_lowercase().as_str() {
            "nginx" | "openresty" => Stack::Nginx,
            "apache" | "apache httpd" | "httpd" => Stack::Apache,
            "caddy" => Stack::Caddy,
            "iis" | "microsoft-iis" => Stack::Iis,
            "express" => Stack::Express,
            "nextjs" | "next.js" => Stack::NextJs,
            "django" => Stack::Django,
            "rails" | "ruby on rails" => Stack::Rails,
            "laravel" => Stack::Laravel,
            "aspnet" | "asp.net" => Stack::AspNet,
            "php" => Stack::Php,
            "wordpress" => Stack::WordPress,
            "cloudflare" => Stack::Cloudflare,
            "vercel" => Stack::Vercel,
            "netlify" => Stack::Netlify,
            _ => return None,
        })
    }
}

/// What the scan saw of one target's stack.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Known stacks, outermost layer first (hosting, server, framework, language, CMS).
    pub stacks: Vec<Stack>,
    /// Everything seen, with versions, for people: `Apache httpd 2.4.49, PHP 7.4.3`.
    pub description: Option<String>,
}

impl Seen {
    /// What a profile shows.
    pub fn of(profile: Option<&SiteProfile>) -> Seen {
        let Some(profile) = profile else {
            return Seen::default();
        };
        let mut techs: Vec<_> = profile.stack.iter().collect();
        techs.sort_by_key(|t| t.kind);
        let mut stacks = Vec::new();
        let mut names = Vec::new();
        for t in techs {
            let stack = Stack::from_name(&t.name);
            if let Some(s) = stack
                && !stacks.contains(&s)
            {
                stacks.push(s);
            }
            let label = stack.map_or_else(|| t.name.clone(), |s| s.label().to_string());
            names.push(match &t.version {
                Some(v) => format!("{label} {v}"),
                None => label.to_string(),
            });
        }
        let description = (!names.is_empty()).then(|| names.join(", "));
        Seen {
            stacks,
            description,
        }
    }

    /// The stacks to write a change for, among those that can make it (`able`, preferred first within a layer):
    /// the seen ones, or `fallback` (the likeliest) when the scan saw none that can. The flag says whether the
    /// fallback was used.
    pub fn pick(&self, able: &[Stack], fallback: &[Stack]) -> (Vec<Stack>, bool) {
        let seen: Vec<Stack> = self
            .stacks
            .iter()
            .copied()
            .filter(|s| able.contains(s))
            .collect();
        if seen.is_empty() {
            (fallback.to_vec(), true)
        } else {
            (seen, false)
        }
    }
}
