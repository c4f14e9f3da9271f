/**
 * A stub DNS server for tests (UDP, one question per query): answers MX and A records from a
 * small table, NXDOMAIN for names it does not know, and nothing at all for names meant to time
 * out. Just enough of RFC 1035 for node:dns's resolver.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface Zone {
  /** Mail exchangers; `['']` is a null MX (RFC 7505). */
  mx?: string[];
  a?: string[];
  /** Never answered: the resolver times out. */
  silent?: boolean;
}

const TYPE_A = 1;
const TYPE_MX = 15;

function encodeName(name: string): Buffer {
  const labels = name ? name.split('.') : [];
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // IN
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

export async function startDnsStub(
  zones: Record<string, Zone>,
): Promise<{ server: string; close(): void }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    let at = 12;
    const labels: string[] = [];
    while (query[at]) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString('ascii'));
      at += query[at]! + 1;
    }
    const questionEnd = at + 5;
    const type = query.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    const zone = zones[name];
    if (zone?.silent) return;
    const answers: Buffer[] = [];
    if (zone && type === TYPE_MX) {
      for (const mx of zone.mx ?? []) {
        const pref = Buffer.alloc(2);
        answers.push(record(TYPE_MX, Buffer.concat([pref, encodeName(mx)])));
      }
    }
    if (zone && type === TYPE_A) {
      for (const ip of zone.a ?? [])
        answers.push(record(TYPE_A, Buffer.from(ip.split('.').map(Number))));
    }
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (zone ? 0 : 3), 2); // response, RD, RA; NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...answers]),
      peer.port,
      peer.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}
