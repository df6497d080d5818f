//! What each command asks the API and how its answer is shown.

use anyhow::{anyhow, bail, Context};
use backoffice::client::ApiClient;
use serde_json::{json, Map, Value};

use super::args::*;
use super::table::{days_from_civil, record, table};
use super::{client, session, show, Failure};

type Res = Result<(), Failure>;

const NUMBER_COLUMNS: &[&str] = &[
    "e164",
    "product_type",
    "status",
    "assigned_user",
    "assigned_voice_connector",
    "purge_at_ms",
];

/// A path segment, percent-encoded (numbers and ids come from the command line).
fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"+-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn rows(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

pub async fn run(cli: Cli) -> Res {
    let json = cli.json;
    match &cli.command {
        Command::Serve { .. } | Command::Init { .. } => {
            unreachable!("served by main without the API client")
        }
        Command::Login { username } => login(&cli, username).await,
        Command::Logout => {
            let api = client(&cli, true)?;
            api.post("/api/v1/sign-out", None).await?;
            session::forget()?;
            out!("signed out");
            Ok(())
        }
        Command::Whoami => {
            let v = client(&cli, true)?.get("/api/v1/me", &[]).await?;
            show(json, &v, |v| {
                record(v, &["username", "role", "account_id", "user_id"])
            });
            Ok(())
        }
        Command::Numbers(c) => numbers(&client(&cli, true)?, json, c).await,
        Command::Orders(c) => orders(&client(&cli, true)?, json, c).await,
        Command::Porting(c) => porting(&client(&cli, true)?, json, c).await,
        Command::Connectors(c) => connectors(&client(&cli, true)?, json, c).await,
        Command::Pool(c) => {
            let api = client(&cli, true)?;
            let v = match c {
                PoolCmd::Show => api.get("/api/v1/callback-pool", &[]).await?,
                PoolCmd::Add { numbers } => {
                    api.post("/api/v1/callback-pool", Some(json!({ "numbers": numbers })))
                        .await?
                }
                PoolCmd::Remove { numbers } => {
                    api.post(
                        "/api/v1/callback-pool/remove",
                        Some(json!({ "numbers": numbers })),
                    )
                    .await?
                }
            };
            show(json, &v, |v| {
                record(v, &["size", "leased", "free", "running_low"])
            });
            Ok(())
        }
        Command::Leases(LeasesCmd::List) => {
            let v = client(&cli, true)?.get("/api/v1/leases", &[]).await?;
            show(json, &v, |v| {
                table(
                    rows(v),
                    &[
                        "e164",
                        "agent_id",
                        "taken_at_ms",
                        "call_ended_at_ms",
                        "expires_at_ms",
                    ],
                )
            });
            Ok(())
        }
        Command::Users(c) => {
            let api = client(&cli, true)?;
            match c {
                UsersCmd::List => {
                    let v = api.get("/api/v1/users", &[]).await?;
                    show(json, &v, |v| table(rows(v), &["id", "username", "role"]));
                }
                UsersCmd::Create { username, role } => {
                    let password =
                        session::secret("BACKOFFICE_NEW_PASSWORD", "new user's password")?;
                    let role = match role {
                        RoleArg::Agent => "Agent",
                        RoleArg::Supervisor => "Supervisor",
                        RoleArg::Administrator => "Administrator",
                    };
                    let v = api
                        .post(
                            "/api/v1/users",
                            Some(json!({"username": username, "password": password, "role": role})),
                        )
                        .await?;
                    show(json, &v, |v| record(v, &["id", "username", "role"]));
                }
            }
            Ok(())
        }
        Command::Alerts(c) => {
            let api = client(&cli, true)?;
            match c {
                AlertsCmd::List => {
                    let v = api.get("/api/v1/alerts", &[]).await?;
                    show(json, &v, |v| {
                        table(
                            rows(v),
                            &[
                                "id",
                                "agent_name",
                                "started_at_ms",
                                "ended_at_ms",
                                "callback_number",
                                "test",
                                "acknowledged_by",
                            ],
                        )
                    });
                }
                AlertsCmd::Ack { id } => {
                    api.post(&format!("/api/v1/alerts/{}/acknowledge", seg(id)), None)
                        .await?;
                    out!("alert {id} acknowledged");
                }
            }
            Ok(())
        }
        Command::Openapi => {
            let v = client(&cli, true)?.get("/api/v1/openapi.json", &[]).await?;
            out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            Ok(())
        }
    }
}

async fn login(cli: &Cli, username: &str) -> Res {
    let password = session::secret("BACKOFFICE_PASSWORD", "password")?;
    let api = client(cli, false)?;
    let v = api
        .post(
            "/api/v1/sign-in",
            Some(json!({"username": username, "password": password})),
        )
        .await?;
    let token = v["token"]
        .as_str()
        .ok_or_else(|| anyhow!("the sign-in answer has no token"))?;
    session::save(&session::Saved {
        url: Some(api.base().to_owned()),
        token: Some(token.to_owned()),
    })?;
    out!(
        "signed in to {} as {} ({}); session saved in {}",
        api.base(),
        v["me"]["username"].as_str().unwrap_or(username),
        v["me"]["role"].as_str().unwrap_or("?"),
        session::path()?.display()
    );
    Ok(())
}

async fn numbers(api: &ApiClient, json: bool, c: &NumbersCmd) -> Res {
    let list = |v: &Value| table(rows(v), NUMBER_COLUMNS);
    match c {
        NumbersCmd::Search {
            country,
            area_code,
            city,
            state,
            toll_free_prefix,
            limit,
        } => {
            let mut q = vec![("country", country.clone())];
            for (k, v) in [
                ("area_code", area_code),
                ("city", city),
                ("state", state),
                ("toll_free_prefix", toll_free_prefix),
            ] {
                if let Some(v) = v {
                    q.push((k, v.clone()));
                }
            }
            if let Some(l) = limit {
                q.push(("limit", l.to_string()));
            }
            let v = api.get("/api/v1/numbers/search", &q).await?;
            show(json, &v, |v| {
                table(
                    rows(v),
                    &["e164", "city", "state", "area_code", "toll_free"],
                )
            });
        }
        NumbersCmd::Order {
            product_type,
            numbers,
        } => {
            let v = api
                .post(
                    "/api/v1/orders",
                    Some(json!({"product_type": product_type.api(), "numbers": numbers})),
                )
                .await?;
            show(json, &v, order_view);
        }
        NumbersCmd::List => {
            let v = api.get("/api/v1/numbers", &[]).await?;
            show(json, &v, list);
        }
        NumbersCmd::Show { e164 } => {
            let v = api
                .get(&format!("/api/v1/numbers/{}", seg(e164)), &[])
                .await?;
            show(json, &v, |v| {
                format!(
                    "{}\n\nHISTORY\n{}",
                    record(
                        v,
                        &[
                            "e164",
                            "status",
                            "product_type",
                            "assigned_user",
                            "assigned_voice_connector",
                            "calling_enabled",
                            "sms_enabled",
                            "in_callback_pool",
                            "active_lease.agent_id",
                            "active_lease.expires_at_ms",
                            "purge_at_ms",
                        ],
                    ),
                    table(
                        rows(&v["history"]),
                        &["at_ms", "actor", "from", "to", "detail"]
                    )
                )
            });
        }
        NumbersCmd::Assign {
            e164,
            user,
            voice_connector,
        } => {
            let body = match (user, voice_connector) {
                (Some(u), None) => json!({ "user_id": u }),
                (None, Some(vc)) => json!({ "voice_connector_id": vc }),
                _ => unreachable!("clap requires exactly one"),
            };
            let v = api
                .post(&format!("/api/v1/numbers/{}/assign", seg(e164)), Some(body))
                .await?;
            show(json, &v, |v| record(v, NUMBER_COLUMNS));
        }
        NumbersCmd::Unassign { e164 } => {
            let v = api
                .post(&format!("/api/v1/numbers/{}/unassign", seg(e164)), None)
                .await?;
            show(json, &v, |v| record(v, NUMBER_COLUMNS));
        }
        NumbersCmd::ProductType { to, numbers } => {
            let v = api
                .post(
                    "/api/v1/numbers/product-type",
                    Some(json!({"numbers": numbers, "product_type": to.api()})),
                )
                .await?;
            show(json, &v, list);
        }
        NumbersCmd::Delete { numbers } => {
            let v = api
                .post(
                    "/api/v1/deletion-queue",
                    Some(json!({ "numbers": numbers })),
                )
                .await?;
            show(json, &v, list);
        }
        NumbersCmd::Restore { numbers } => {
            let v = api
                .post(
                    "/api/v1/deletion-queue/restore",
                    Some(json!({ "numbers": numbers })),
                )
                .await?;
            show(json, &v, list);
        }
        NumbersCmd::DeletionQueue => {
            let v = api.get("/api/v1/deletion-queue", &[]).await?;
            show(json, &v, list);
        }
    }
    Ok(())
}

fn order_view(v: &Value) -> String {
    format!(
        "{}\n\n{}",
        record(
            v,
            &[
                "id",
                "product_type",
                "status",
                "created_by",
                "created_at_ms",
                "completed_at_ms"
            ]
        ),
        table(rows(&v["numbers"]), &["e164", "status", "reason"])
    )
}

/// Replaces the `numbers` list of objects by their `e164`s, for one-line rows.
fn with_e164s(v: &Value) -> Vec<Value> {
    rows(v)
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let e164s: Vec<Value> = rows(&r["numbers"])
                .iter()
                .map(|n| n.get("e164").cloned().unwrap_or_else(|| n.clone()))
                .collect();
            r["numbers"] = Value::Array(e164s);
            r
        })
        .collect()
}

async fn orders(api: &ApiClient, json: bool, c: &OrdersCmd) -> Res {
    match c {
        OrdersCmd::List => {
            let v = api.get("/api/v1/orders", &[]).await?;
            show(json, &v, |v| {
                table(
                    &with_e164s(v),
                    &["id", "product_type", "status", "created_at_ms", "numbers"],
                )
            });
        }
        OrdersCmd::Show { id } => {
            let v = api.get(&format!("/api/v1/orders/{}", seg(id)), &[]).await?;
            show(json, &v, order_view);
        }
        OrdersCmd::Pending => {
            let v = api.get("/api/v1/orders/pending", &[]).await?;
            show(json, &v, |v| {
                let r: Vec<Value> = rows(v).iter().map(|n| json!({ "e164": n })).collect();
                table(&r, &["e164"])
            });
        }
    }
    Ok(())
}

/// `carrier=..;name=..;btn=..;address=..;account=..` as the API's letter.
fn loa(spec: &str) -> anyhow::Result<Value> {
    let mut m = Map::new();
    for part in spec.split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part
            .split_once('=')
            .with_context(|| format!("`{part}` in --loa is not key=value"))?;
        let key = match k.trim() {
            "carrier" => "carrier",
            "name" => "authorized_name",
            "btn" => "billing_telephone_number",
            "address" => "service_address",
            "account" => "account_number",
            other => bail!("unknown --loa key `{other}` (carrier, name, btn, address, account)"),
        };
        m.insert(key.into(), Value::String(v.trim().to_owned()));
    }
    anyhow::ensure!(m.contains_key("carrier"), "--loa needs carrier=...");
    Ok(Value::Object(m))
}

async fn porting(api: &ApiClient, json: bool, c: &PortingCmd) -> Res {
    let one = |v: &Value| {
        format!(
            "{}\n\n{}",
            record(v, &["id", "product_type", "state", "foc_at_ms", "note"]),
            table(rows(&v["numbers"]), &["e164", "carrier"])
        )
    };
    let path = |id: &str, tail: &str| format!("/api/v1/port-ins/{}{tail}", seg(id));
    let v = match c {
        PortingCmd::List => {
            let v = api.get("/api/v1/port-ins", &[]).await?;
            show(json, &v, |v| {
                table(
                    &with_e164s(v),
                    &["id", "product_type", "state", "foc_at_ms", "numbers"],
                )
            });
            return Ok(());
        }
        PortingCmd::Show { id } => api.get(&path(id, ""), &[]).await?,
        PortingCmd::Submit {
            product_type,
            numbers,
            loas,
        } => {
            let numbers = numbers
                .iter()
                .map(|n| {
                    let (e164, carrier) = n
                        .split_once('=')
                        .with_context(|| format!("--number `{n}` is not E164=CARRIER"))?;
                    Ok(json!({"e164": e164.trim(), "carrier": carrier.trim()}))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let loas = loas
                .iter()
                .map(|l| loa(l))
                .collect::<anyhow::Result<Vec<_>>>()?;
            api.post(
                "/api/v1/port-ins",
                Some(json!({"product_type": product_type.api(), "numbers": numbers, "loas": loas})),
            )
            .await?
        }
        PortingCmd::Loa { id, loa: spec } => api.put(&path(id, "/loas"), loa(spec)?).await?,
        PortingCmd::Foc { id, date } => {
            let at_ms = date_ms(date)?;
            api.post(
                &path(id, "/carrier-events"),
                Some(json!({"event": "firm_order_commitment", "at_ms": at_ms})),
            )
            .await?
        }
        PortingCmd::Complete { id } => {
            api.post(
                &path(id, "/carrier-events"),
                Some(json!({"event": "completed"})),
            )
            .await?
        }
        PortingCmd::Exception { id, reason } => {
            api.post(
                &path(id, "/carrier-events"),
                Some(json!({"event": "exception", "reason": reason})),
            )
            .await?
        }
        PortingCmd::Resubmit { id } => api.post(&path(id, "/resubmit"), None).await?,
        PortingCmd::Cancel { id } => api.post(&path(id, "/cancel"), None).await?,
    };
    show(json, &v, one);
    Ok(())
}

/// `YYYY-MM-DD` as milliseconds at 00:00 UTC.
fn date_ms(date: &str) -> anyhow::Result<i64> {
    let bad = || anyhow!("`{date}` is not a date YYYY-MM-DD");
    let mut it = date
        .splitn(3, '-')
        .map(|p| p.parse::<i64>().map_err(|_| bad()));
    let (y, m, d) = (
        it.next().ok_or_else(bad)??,
        it.next().ok_or_else(bad)??,
        it.next().ok_or_else(bad)??,
    );
    anyhow::ensure!((1..=12).contains(&m) && (1..=31).contains(&d), bad());
    Ok(days_from_civil(y, m, d) * 86_400_000)
}

fn settings_body(s: &ConnectorSettings) -> anyhow::Result<Value> {
    let routes = s
        .routes
        .iter()
        .map(|r| {
            let p: Vec<&str> = r.split(':').collect();
            let [host, port, protocol, priority, weight] = p.as_slice() else {
                bail!("--route `{r}` is not host:port:protocol:priority:weight");
            };
            let num = |what: &str, v: &str| -> anyhow::Result<u64> {
                v.parse()
                    .with_context(|| format!("--route `{r}`: {what} `{v}` is not a number"))
            };
            Ok(json!({"host": host, "port": num("port", port)?, "protocol": protocol.to_uppercase(),
                      "priority": num("priority", priority)?, "weight": num("weight", weight)?}))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let credentials: Vec<Value> = s
        .credentials
        .iter()
        .map(|c| match c.split_once(':') {
            Some((u, p)) => json!({"username": u, "password": p}),
            None => json!({ "username": c }),
        })
        .collect();
    Ok(json!({
        "name": s.name,
        "termination": {
            "enabled": s.termination,
            "allowed_networks": s.allowed_networks,
            "calling_countries": s.calling_countries,
            "default_caller": s.default_caller,
            "credentials": credentials,
        },
        "origination": {"enabled": s.origination, "routes": routes},
    }))
}

fn connector_view(v: &Value) -> String {
    let creds: Vec<Value> = rows(&v["termination"]["credentials"])
        .iter()
        .map(|c| {
            json!(format!(
                "{}:{}",
                super::table::cell(&c["username"]),
                super::table::cell(&c["password"])
            ))
        })
        .collect();
    let routes: Vec<Value> = rows(&v["origination"]["routes"])
        .iter()
        .map(|r| {
            json!(format!(
                "{}:{}/{} p{} w{}",
                super::table::cell(&r["host"]),
                r["port"],
                super::table::cell(&r["protocol"]),
                r["priority"],
                r["weight"]
            ))
        })
        .collect();
    let mut flat = v.clone();
    flat["credentials"] = Value::Array(creds);
    flat["routes"] = Value::Array(routes);
    record(
        &flat,
        &[
            "id",
            "name",
            "termination.enabled",
            "termination.allowed_networks",
            "termination.calling_countries",
            "termination.default_caller",
            "credentials",
            "origination.enabled",
            "routes",
            "emergency.emergency_routing_number",
            "emergency.test_routing_number",
            "numbers",
        ],
    )
}

async fn connectors(api: &ApiClient, json: bool, c: &ConnectorsCmd) -> Res {
    let v = match c {
        ConnectorsCmd::List => {
            let v = api.get("/api/v1/voice-connectors", &[]).await?;
            show(json, &v, |v| {
                table(
                    rows(v),
                    &[
                        "id",
                        "name",
                        "termination_enabled",
                        "origination_enabled",
                        "emergency_routing_number",
                        "numbers",
                    ],
                )
            });
            return Ok(());
        }
        ConnectorsCmd::Show { id } => {
            api.get(&format!("/api/v1/voice-connectors/{}", seg(id)), &[])
                .await?
        }
        ConnectorsCmd::Create(s) => {
            api.post("/api/v1/voice-connectors", Some(settings_body(s)?))
                .await?
        }
        ConnectorsCmd::Update { id, settings } => {
            api.put(
                &format!("/api/v1/voice-connectors/{}", seg(id)),
                settings_body(settings)?,
            )
            .await?
        }
        ConnectorsCmd::Emergency(EmergencyCmd::Set {
            id,
            routing_number,
            test_routing_number,
        }) => {
            api.put(
                &format!("/api/v1/voice-connectors/{}/emergency", seg(id)),
                json!({"emergency_routing_number": routing_number,
                       "test_routing_number": test_routing_number,
                       "country": "US", "call_send_method": "DNIS"}),
            )
            .await?
        }
        ConnectorsCmd::Emergency(EmergencyCmd::Remove { id }) => {
            api.delete(&format!("/api/v1/voice-connectors/{}/emergency", seg(id)))
                .await?
        }
    };
    show(json, &v, connector_view);
    Ok(())
}
