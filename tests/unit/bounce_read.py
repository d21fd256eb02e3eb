#!/usr/bin/env python3
"""Read back the bounces test_bounce_deliver wrote, with Python's own
mailbox and email modules (a reader that is not ours): each target holds
exactly one message, a multipart/report (report-type delivery-status) of
three parts: text/plain, message/delivery-status (the RFC 3464 fields),
message/rfc822; and the third part's bytes are the original exactly.

Usage: bounce_read.py ORIGINAL mbox:PATH|maildir:PATH ...
Exit 0 when every target is right; else 1, saying what is wrong.
"""
import email
import email.policy
import mailbox
import re
import sys


def unquote_mboxrd(data):
    """Undo mboxrd quoting: one '>' less before each '>*From ' line."""
    return re.sub(rb'(?m)^>(>*From )', rb'\1', data)


def check(kind, path, original):
    if kind == 'mbox':
        box = mailbox.mbox(path, create=False)
    else:
        box = mailbox.Maildir(path, factory=None, create=False)
    keys = list(box.keys())
    if len(keys) != 1:
        return '%s: %d messages, want 1' % (path, len(keys))
    raw = box.get_bytes(keys[0])
    if kind == 'mbox':
        from_ = box.get_message(keys[0]).get_from()
        if not from_.startswith('MAILER-DAEMON '):
            return '%s: From_ line %r' % (path, from_)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    if msg.get_content_type() != 'multipart/report':
        return '%s: type %s' % (path, msg.get_content_type())
    if msg.get_param('report-type') != 'delivery-status':
        return '%s: report-type %r' % (path, msg.get_param('report-type'))
    if msg['Auto-Submitted'] != 'auto-replied' or \
            not msg['From'].startswith('Mail Delivery System <MAILER-DAEMON@'):
        return '%s: header %r %r' % (path, msg['Auto-Submitted'],
                                     msg['From'])
    if msg.defects:
        return '%s: defects %r' % (path, msg.defects)
    parts = msg.get_payload()
    types = [p.get_content_type() for p in parts]
    if types != ['text/plain', 'message/delivery-status', 'message/rfc822']:
        return '%s: parts %r' % (path, types)
    blocks = parts[1].get_payload()
    if len(blocks) < 2 or not blocks[0]['Reporting-MTA'].startswith('dns; '):
        return '%s: no per-message fields: %r' % (path, blocks[:1])
    for b in blocks[1:]:
        if not b['Final-Recipient'].startswith('rfc822; ') or \
                b['Action'] != 'failed' or \
                not re.fullmatch(r'[45]\.\d{1,3}\.\d{1,3}', b['Status']):
            return '%s: recipient fields %r' % (path, b.items())
    inner = parts[2].get_payload()[0]
    want = email.message_from_bytes(original, policy=email.policy.compat32)
    if inner['Subject'] != want['Subject']:
        return '%s: attached Subject %r' % (path, inner['Subject'])
    # The original, byte for byte: after part 3's header, up to the
    # line end that belongs to the closing delimiter.
    boundary = msg.get_boundary().encode()
    start = raw.index(b'\nContent-Type: message/rfc822\n')
    start = raw.index(b'\n\n', start) + 2
    end = raw.rindex(b'\n--' + boundary + b'--\n')
    got = raw[start:end]
    if kind == 'mbox':
        got = unquote_mboxrd(got)
    if got != original:
        i = next((i for i in range(min(len(got), len(original)))
                  if got[i] != original[i]), min(len(got), len(original)))
        return '%s: the original differs at byte %d (%d bytes, want %d)' % (
            path, i, len(got), len(original))
    return None


def main():
    with open(sys.argv[1], 'rb') as f:
        original = f.read()
    bad = 0
    for t in sys.argv[2:]:
        kind, path = t.split(':', 1)
        why = check(kind, path, original)
        if why is not None:
            print('bounce_read: ' + why, file=sys.stderr)
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
