import * as grpc from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { FakeLog, passes, type FakeFilter, type FakeRecord, type Proposed, type WireExpected } from './esdb-fake-log.ts';

/**
 * A protocol-level test double of EventStoreDB: an in-process gRPC server built from the client's own generated
 * definitions, implementing Streams.Append and Streams.Read (stream reads, `$all` reads and `$all` subscriptions).
 * It checks the adapter's wiring against OUR MODEL of the server; it proves nothing about EventStoreDB itself.
 * ServerFeatures is left unimplemented, so the client falls back to plain Append (as against servers < 21.10).
 */
export interface FakeEsdbServer {
  connectionString: string;
  log: FakeLog;
  /** What the adapter put on the wire, for asserting the revision mapping. */
  appends: Array<{ streamName: string; expected: WireExpected; eventCount: number }>;
  reads: Array<{ streamName: string | '$all'; from: string; direction: 'forwards' | 'backwards'; subscription: boolean }>;
  /** The next call fails with this gRPC status, as a real server does under failover or overload. */
  failNext(code: grpc.status, details: string): void;
  close(): Promise<void>;
}

const text = (value: Uint8Array | string): string => (typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));

const toExpected = (options: streamsPb.AppendReq.Options): WireExpected => {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
};

const toReadResp = (record: FakeRecord, withAllPosition: boolean): streamsPb.ReadResp => {
  const id = new sharedPb.UUID();
  id.setString(record.id);
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(record.streamName, 'utf8'));
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(id);
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(String(record.revision));
  // Stream reads carry the position too, as servers >= 22.6 do.
  recorded.setCommitPosition(String(record.position));
  recorded.setPreparePosition(String(record.position));
  // `created` is in .NET ticks (100 ns) since the Unix epoch.
  recorded.getMetadataMap().set('type', record.type).set('content-type', record.contentType).set('created', String(BigInt(record.createdMs) * 10_000n));
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.metadata);
  const event = new streamsPb.ReadResp.ReadEvent();
  event.setEvent(recorded);
  if (withAllPosition) event.setCommitPosition(String(record.position));
  else event.setNoPosition(new sharedPb.Empty());
  const resp = new streamsPb.ReadResp();
  resp.setEvent(event);
  return resp;
};

const toFilter = (options: streamsPb.ReadReq.Options): FakeFilter | undefined => {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const on = filter.hasStreamIdentifier() ? 'stream' : 'type';
  const expression = (on === 'stream' ? filter.getStreamIdentifier() : filter.getEventType())!;
  return { on, prefixes: expression.getPrefixList(), regex: expression.getRegex() };
};

export const startFakeEsdbServer = async (options: { now?: () => number } = {}): Promise<FakeEsdbServer> => {
  const log = new FakeLog(options.now ?? (() => Date.now()));
  const appends: FakeEsdbServer['appends'] = [];
  const reads: FakeEsdbServer['reads'] = [];
  const failures: Array<{ code: grpc.status; details: string }> = [];
  const server = new grpc.Server();

  const append: grpc.handleClientStreamingCall<streamsPb.AppendReq, streamsPb.AppendResp> = (call, callback) => {
    let header: streamsPb.AppendReq.Options | undefined;
    const proposed: Proposed[] = [];
    call.on('data', (req: streamsPb.AppendReq) => {
      if (req.hasOptions()) header = req.getOptions();
      const message = req.getProposedMessage();
      if (message === undefined) return;
      const metadata = message.getMetadataMap();
      proposed.push({
        id: message.getId()!.getString(),
        type: metadata.get('type') ?? '',
        contentType: metadata.get('content-type') ?? 'application/octet-stream',
        data: message.getData_asU8(),
        metadata: message.getCustomMetadata_asU8(),
      });
    });
    call.on('end', () => {
      const failure = failures.shift();
      if (failure !== undefined) return callback({ ...failure, name: 'FakeFailure', message: failure.details });
      const streamName = text(header!.getStreamIdentifier()!.getStreamName());
      const expected = toExpected(header!);
      appends.push({ streamName, expected, eventCount: proposed.length });
      const outcome = log.append(streamName, expected, proposed);
      const resp = new streamsPb.AppendResp();
      if (outcome.kind === 'wrong_expected_version') {
        const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
        if (outcome.current === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
        else wrong.setCurrentRevision(String(outcome.current));
        if (expected.kind === 'revision') wrong.setExpectedRevision(String(expected.revision));
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
        else wrong.setExpectedStreamExists(new sharedPb.Empty());
        resp.setWrongExpectedVersion(wrong);
        return callback(null, resp);
      }
      const success = new streamsPb.AppendResp.Success();
      if (outcome.current === undefined) success.setNoStream(new sharedPb.Empty());
      else success.setCurrentRevision(String(outcome.current));
      if (outcome.position === undefined) success.setNoPosition(new sharedPb.Empty());
      else {
        const position = new streamsPb.AppendResp.Position();
        position.setCommitPosition(String(outcome.position));
        position.setPreparePosition(String(outcome.position));
        success.setPosition(position);
      }
      resp.setSuccess(success);
      callback(null, resp);
    });
  };

  const read: grpc.handleServerStreamingCall<streamsPb.ReadReq, streamsPb.ReadResp> = (call) => {
    const failure = failures.shift();
    if (failure !== undefined) {
      call.emit('error', failure);
      return;
    }
    const options = call.request.getOptions()!;
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const count = options.hasCount() ? Number(options.getCount()) : Number.POSITIVE_INFINITY;
    const direction = backwards ? 'backwards' : 'forwards';
    if (options.hasStream()) {
      const streamOptions = options.getStream()!;
      const streamName = text(streamOptions.getStreamIdentifier()!.getStreamName());
      const from = streamOptions.hasRevision() ? streamOptions.getRevision() : streamOptions.hasEnd() ? 'end' : 'start';
      reads.push({ streamName, from, direction, subscription: options.hasSubscription() });
      const stream = log.stream(streamName);
      if (stream === undefined) {
        const notFound = new streamsPb.ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
        const resp = new streamsPb.ReadResp();
        resp.setStreamNotFound(notFound);
        call.write(resp);
        return call.end();
      }
      const start = from === 'start' ? 0n : from === 'end' ? BigInt(stream.length - 1) : BigInt(from);
      const picked = backwards ? stream.filter((r) => r.revision <= start).reverse() : stream.filter((r) => r.revision >= start);
      for (const record of picked.slice(0, count)) call.write(toReadResp(record, false));
      return call.end();
    }
    const allOptions = options.getAll()!;
    const at = allOptions.hasPosition() ? BigInt(allOptions.getPosition()!.getCommitPosition()) : undefined;
    reads.push({ streamName: '$all', from: at === undefined ? (allOptions.hasEnd() ? 'end' : 'start') : String(at), direction, subscription: options.hasSubscription() });
    if (options.hasSubscription()) {
      // Catch-up from a position is exclusive; then every append is pushed live, with no gap in between
      // because both happen synchronously on the event loop.
      const filter = toFilter(options);
      const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
      confirmation.setSubscriptionId(crypto.randomUUID());
      const confirm = new streamsPb.ReadResp();
      confirm.setConfirmation(confirmation);
      call.write(confirm);
      const from = allOptions.hasEnd() ? log.all[log.all.length - 1]?.position ?? 0n : at ?? -1n;
      for (const record of log.all) if (record.position > from && passes(filter, record)) call.write(toReadResp(record, true));
      const stop = log.onAppend((record) => {
        if (passes(filter, record)) call.write(toReadResp(record, true));
      });
      call.on('cancelled', stop);
      call.on('close', stop);
      return;
    }
    // A read from a position includes the event at that position.
    const picked = backwards
      ? log.all.filter((r) => at === undefined || r.position < at).reverse()
      : log.all.filter((r) => at === undefined || r.position >= at);
    for (const record of picked.slice(0, count)) call.write(toReadResp(record, true));
    call.end();
  };

  server.addService(streamsGrpc.StreamsService, { append, read });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    appends,
    reads,
    failNext: (code, details) => failures.push({ code, details }),
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
};
