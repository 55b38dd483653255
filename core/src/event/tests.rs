//! Unit tests of the event codec: the writer against the `Value` tree, the fast reader
//! against the general one.
use super::read::EventIn;
use super::*;
use crate::audit::hex;
use crate::spatial::Crs;

/// The export as it was written through a `serde_json::Value` per event.
fn through_values(events: &[Event], with_contact: bool) -> String {
    let mut out = String::new();
    let mut prev = GENESIS;
    for e in events {
        let mut v = e.to_json(false).expect("writes");
        prev = link(&prev, v.to_string().as_bytes());
        if with_contact {
            v = e.to_json(true).expect("writes");
        }
        if let Value::Object(o) = &mut v {
            o.insert("hash".into(), Value::String(hex(&prev)));
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

fn events() -> Vec<Event> {
    let odd = "q\"\\ \n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f} é 中 \u{2028}";
    let report = |contact: Option<&str>, digest: Option<&str>, point: Option<Point>| {
        EventBody::Report(Box::new(Report {
            category: "C0101".into(),
            grid: odd.into(),
            point,
            urgency: Some("urgent".into()),
            source: Source::App,
            description: odd.into(),
            contact: contact.map(str::to_owned),
            contact_sha256: digest.map(str::to_owned),
        }))
    };
    let point = |lon: f64, lat: f64| {
        Some(Point {
            lon,
            lat,
            crs: Crs::Bd09,
        })
    };
    let s = || odd.to_owned();
    let mut bodies = vec![
        report(
            Some("13800000000"),
            None,
            point(117.027_205_048_080_97, -0.0),
        ),
        report(None, Some("abc"), point(1e300, 5e-324)),
        report(None, None, point(f64::NAN, f64::INFINITY)),
        report(Some(""), Some("stale"), None),
        EventBody::Escalation(Firing {
            rule: 3,
            firing: 2,
            label: Arc::new(RuleLabel {
                name: odd.into(),
                effect: "warn",
            }),
            target: Some("yellow".into()),
        }),
        EventBody::Escalation(Firing {
            rule: 0,
            firing: 1,
            label: Arc::new(RuleLabel {
                name: "n".into(),
                effect: "notify",
            }),
            target: None,
        }),
    ];
    for a in [
        Action::Accept,
        Action::Reject { reason: s() },
        Action::Verify { valid: false },
        Action::File,
        Action::Void { reason: s() },
        Action::Dispatch {
            unit: Some("WATER".into()),
            reason: Some(s()),
        },
        Action::Dispatch {
            unit: None,
            reason: None,
        },
        Action::Return { reason: s() },
        Action::Start,
        Action::RequestPostpone { minutes: -7 },
        Action::ApprovePostpone,
        Action::DenyPostpone,
        Action::RequestShelve { reason: s() },
        Action::ApproveShelve,
        Action::Handle { result: s() },
        Action::Check { passed: true },
        Action::Close { reason: s() },
        Action::Rate { satisfaction: 255 },
        Action::Reopen { reason: s() },
        Action::Supervise {
            note: s(),
            level: None,
        },
        Action::Supervise {
            note: s(),
            level: Some(crate::case::SuperviseLevel::Leader),
        },
        Action::Reply { note: s() },
        Action::Callback { satisfaction: 2 },
        Action::SelfHandle { result: s() },
        Action::RequestReturn {
            cause: crate::case::ReturnCause::OutsideDuty,
            reason: s(),
        },
        Action::ApproveReturn,
        Action::DenyReturn,
        Action::RequestVoid {
            cause: crate::case::VoidCause::ProblemGone,
            reason: s(),
        },
        Action::ApproveVoid,
        Action::DenyVoid,
        Action::Subdispatch { unit: odd.into() },
        Action::CoDispatch { unit: odd.into() },
        Action::CoFeedback { result: s() },
    ] {
        bodies.push(EventBody::Action(a));
    }
    let actors = [
        Actor::Worker(odd.into()),
        Actor::Citizen("c".into()),
        Actor::System,
    ];
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| Event {
            seq: if i == 0 { u64::MAX } else { i as u64 },
            case: i as u64 * 1_000_003,
            at: if i == 1 {
                i64::MIN
            } else {
                1_772_406_599_645 - i as i64
            },
            actor: actors[i % 3].clone(),
            body,
            limit: (i % 2 == 0).then(|| "4 working_hours".parse().expect("a limit")),
            assigned_to: (i % 3 == 1).then(|| std::sync::Arc::from("SV001")),
        })
        .collect()
}

#[test]
fn events_are_written_as_through_a_value() {
    let events = events();
    for e in &events {
        let value = e.to_json(false).expect("writes").to_string();
        assert_eq!(canonical(e).expect("writes"), value);
    }
    for with_contact in [false, true] {
        assert_eq!(
            to_json_lines(&events, with_contact).expect("writes"),
            through_values(&events, with_contact)
        );
    }
    // enough events for the export to be written on several threads
    let many: Vec<Event> = (0..2 * EXPORT_EVENTS_PER_THREAD / events.len() + 2)
        .flat_map(|_| events.iter().cloned())
        .collect();
    assert_eq!(
        to_json_lines(&many, true).expect("writes"),
        through_values(&many, true)
    );
    let links = chain(&events).expect("writes");
    assert_eq!(chain_head(&events).ok(), links.last().copied());
    assert_eq!(chain_head(&[]).ok(), Some(GENESIS));
}

/// One line at a time (the journal's and the sinks' way) writes the export's lines and links.
#[test]
fn lines_one_at_a_time_are_the_exports() {
    let events = events();
    let mut prev = GENESIS;
    let mut text = String::new();
    for (e, expected) in events.iter().zip(chain(&events).expect("writes")) {
        let (line, link) = line_with_link(&prev, e).expect("writes");
        assert_eq!(link, expected, "event {}", e.seq);
        text.push_str(&line);
        text.push('\n');
        prev = link;
    }
    assert_eq!(text, through_values(&events, true));
}

/// The fast reader takes a line only when the general one reads the same event from it.
#[test]
fn the_fast_reader_agrees_with_the_general_one() {
    let events = events();
    let fast = |line: &str| {
        serde_json::from_str::<EventIn<'_>>(line)
            .ok()
            .and_then(EventIn::into_event)
    };
    let slow = |line: &str| {
        serde_json::from_str(line)
            .ok()
            .and_then(|v| Event::from_json(v).ok())
    };
    let mut taken = 0;
    for with_contact in [false, true] {
        let text = to_json_lines(&events, with_contact).expect("writes");
        for line in text.lines() {
            let got = fast(line);
            // the written lines the general path reads are read fast
            assert_eq!(got.is_some(), slow(line).is_some(), "{line}");
            assert_eq!(got.is_some().then(|| slow(line)).flatten(), got, "{line}");
            for extra in [
                r#""reason":null"#,
                r#""reason":"r""#,
                r#""contact":null"#,
                r#""contact_sha256":null"#,
                r#""contact_sha256":"d""#,
                r#""grid":null"#,
                r#""unit":null"#,
                r#""target":null"#,
                r#""urgency":null"#,
                r#""point":null"#,
                r#""limit":null"#,
                r#""limit":"3 hours""#,
                r#""hash":5"#,
                r#""v":1.0"#,
                r#""v":2"#,
                r#""seq":-1"#,
                r#""at":1.5"#,
                r#""x":1"#,
                r#""valid":true"#,
                r#""rule":1"#,
                r#""action":"accept""#,
                r#""action":"report""#,
                r#""action":"escalate""#,
                r#""action":"nope""#,
                r#""satisfaction":300"#,
                r#""source":null"#,
                r#""description":"\u4e2d""#,
            ] {
                let edited = format!("{},{extra}}}", &line[..line.len() - 1]);
                let got = fast(&edited);
                taken += usize::from(got.is_some());
                assert_eq!(
                    got.is_some().then(|| slow(&edited)).flatten(),
                    got,
                    "{edited}"
                );
            }
        }
    }
    assert!(taken > 0);
    // the reader as a whole: the same events, and the general path's errors
    // (the first events have a `seq` past i64 and a point that is not a number)
    let text = to_json_lines(&events[3..], true).expect("writes");
    let read = from_json_lines(&text).expect("reads");
    let general: Option<Vec<Event>> = text.lines().map(slow).collect();
    assert_eq!(Some(read), general);
    let bad = text.replacen(r#""v":1"#, r#""v":1,"zz":0"#, 3);
    let err = from_json_lines(&bad)
        .expect_err("an unknown member")
        .to_string();
    assert!(err.contains("line 1"), "{err}");
}

/// The reader fed by the chain's scan ([`read::Members`]) takes a line only when the `serde`
/// reader reads the same event from it, and takes every line the writer writes that the
/// `serde` reader takes.
#[test]
fn the_members_of_the_scan_read_as_the_fast_reader() {
    let events = events();
    let fast = |line: &str| {
        serde_json::from_str::<EventIn<'_>>(line)
            .ok()
            .and_then(EventIn::into_event)
    };
    let members = |line: &str| {
        let mut strings = read::Strings::new();
        let mut m = read::Members::new(&mut strings);
        let canonical = crate::audit::scan_members(line, |k, v| m.take(line, k, v));
        canonical.then(|| m.into_event()).flatten()
    };
    let (mut taken, mut edited_taken) = (0, 0);
    for with_contact in [false, true] {
        let text = to_json_lines(&events, with_contact).expect("writes");
        for line in text.lines() {
            let got = members(line);
            assert_eq!(got, fast(line), "{line}");
            taken += usize::from(got.is_some());
            for (key, value) in [
                ("reason", "null"),
                ("reason", r#""r\"\n""#),
                ("contact", "null"),
                ("contact_sha256", "null"),
                ("contact_sha256", r#""d""#),
                ("grid", "null"),
                ("grid", "7"),
                ("unit", "null"),
                ("unit", "[]"),
                ("target", "null"),
                ("assigned_to", "null"),
                ("assigned_to", "7"),
                ("assigned_to", r#""SV\u0000""#),
                ("assigned_to", r#""SV002""#),
                ("urgency", "null"),
                ("point", "null"),
                ("point", r#"{"lat":1.5,"lon":2}"#),
                ("point", r#"{"lat":1.5,"lon":2,"x":0}"#),
                ("limit", "null"),
                ("limit", r#""3 hours""#),
                ("limit", r#""3 fortnights""#),
                ("hash", "5"),
                ("v", "1.0"),
                ("v", "2"),
                ("v", "-1"),
                ("seq", "-1"),
                ("seq", "18446744073709551615"),
                ("case", "9223372036854775807"),
                ("at", "1.5"),
                ("at", r#""1""#),
                ("x", "1"),
                ("valid", "true"),
                ("valid", "null"),
                ("passed", "0"),
                ("rule", "1"),
                ("rule", "4294967296"),
                ("action", r#""accept""#),
                ("action", r#""report""#),
                ("action", r#""escalate""#),
                ("action", r#""nope""#),
                ("action", r#""\u00e9""#),
                ("actor", r#""system""#),
                ("actor", r#""worker""#),
                ("actor", r#"{"worker":"a\"b"}"#),
                ("actor", r#"{"citizen":"c"}"#),
                ("actor", r#"{"worker":1}"#),
                ("actor", r#"{"worker":"a","x":1}"#),
                ("satisfaction", "300"),
                ("satisfaction", "5"),
                ("source", "null"),
                ("source", r#""app""#),
                ("level", "null"),
                ("level", r#""leader""#),
                ("level", r#""no""#),
                ("description", r#""\u4e2d""#),
                ("description", r#""a\\b""#),
                ("effect", r#""warn""#),
                ("firing", "0"),
            ] {
                let Ok(Value::Object(mut o)) = serde_json::from_str::<Value>(line) else {
                    panic!("{line}");
                };
                o.insert(
                    key.to_owned(),
                    serde_json::from_str(value).expect("a value"),
                );
                let edited = Value::Object(o).to_string();
                let got = members(&edited);
                edited_taken += usize::from(got.is_some());
                assert_eq!(
                    got.is_some().then(|| fast(&edited)).flatten(),
                    got,
                    "{edited}"
                );
            }
        }
    }
    assert!(taken > 0 && edited_taken > 0, "{taken} {edited_taken}");
}

/// A migration is an event of no case: written as `{"action":"migrate","from":…,"to":…}`
/// with case 0 and the system as actor, read back as it was; any other case, actor or a hash
/// that is not one is refused, naming the member.
#[test]
fn a_migration_is_an_event_of_no_case() {
    let a = "a".repeat(64);
    let b = "0123456789abcdef".repeat(4);
    let e = Event {
        seq: 9,
        case: 0,
        at: 1_772_406_599_645,
        actor: Actor::System,
        body: EventBody::Migration(Box::new(Migration {
            from: a.clone(),
            to: b.clone(),
        })),
        limit: None,
        assigned_to: None,
    };
    let text = to_json_lines(std::slice::from_ref(&e), true).expect("writes");
    assert_eq!(text, through_values(std::slice::from_ref(&e), true));
    assert!(text.starts_with(&format!(
        r#"{{"action":"migrate","actor":"system","at":1772406599645,"case":0,"from":"{a}","hash":"#
    )));
    assert_eq!(from_json_lines(&text).expect("reads"), vec![e.clone()]);
    let line = text.trim_end();
    for (edit, member) in [
        ((r#""case":0"#, r#""case":3"#), "event.case"),
        (
            (r#""actor":"system""#, r#""actor":{"worker":"SV001"}"#),
            "event.case",
        ),
        ((r#""from":"aaaa"#, r#""from":"AAAA"#), "event.from"),
        ((r#""to":"0123"#, r#""to":"x123"#), "event.to"),
    ] {
        let bad = line.replacen(edit.0, edit.1, 1);
        assert_ne!(bad, line);
        let err = from_json_lines(&bad).expect_err(&bad);
        assert!(err.to_string().contains(member), "{err}");
    }
}
