"""A local mail server for Palisade's email-alert tests, built on aiosmtpd (a full SMTP server implementation).

Listens on 127.0.0.1 (a free port) and prints JSON lines on stdout:
  {"port": N}                                   once, when it listens;
  {"mail_from", "rcpt_tos", "auth_user", "tls", "headers", "text"}   for each message it accepts, parsed by
                                                Python's email package (headers decoded, body decoded);
  {"refused": CODE, "rcpt_tos": [...]}          for each message it refuses.

Options:
  --tls CERT KEY        offer STARTTLS with this certificate, and require it before anything else;
  --auth USER:PASSWORD  require AUTH (PLAIN or LOGIN) with these credentials (only after STARTTLS);
  --fail N              answer the first N messages "451 try again later" (a transient failure);
  --reject              answer every message "550 refused" (a permanent failure);
  --refuse-rcpt ADDR    refuse this recipient ("550 no such mailbox"), accept the others.
"""

import argparse
import asyncio
import email
import email.policy
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Handler:
    def __init__(self, fail, reject, refuse_rcpt):
        self.fail = fail
        self.reject = reject
        self.refuse_rcpt = refuse_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse_rcpt:
            emit({"refused": 550, "rcpt_tos": [address]})
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            emit({"refused": 550, "rcpt_tos": envelope.rcpt_tos})
            return "550 5.7.1 Delivery not authorized, message refused"
        if self.fail > 0:
            self.fail -= 1
            emit({"refused": 451, "rcpt_tos": envelope.rcpt_tos})
            return "451 4.3.0 Try again later"
        login = session.login_data
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        emit(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "auth_user": login.decode() if isinstance(login, bytes) else login,
                "tls": session.ssl is not None,
                "headers": {k.lower(): str(v) for k, v in message.items()},
                "text": message.get_content(),
            }
        )
        return "250 2.0.0 OK queued"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth")
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--refuse-rcpt")
    args = parser.parse_args()

    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls[0], args.tls[1])
    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)
        authenticator = Authenticator(user, password)
    handler = Handler(args.fail, args.reject, args.refuse_rcpt)

    def factory():
        return SMTP(
            handler,
            hostname="mail.test",
            tls_context=context,
            require_starttls=context is not None,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            auth_require_tls=True,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    emit({"port": server.sockets[0].getsockname()[1]})
    # Runs until stdin closes (the test ended) or the process is killed.
    await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main())
