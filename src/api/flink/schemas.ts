import { Type } from '@fastify/type-provider-typebox';
import { NullableStringMap } from '../schemas/common.ts';

// Request and response shapes of the SQL Gateway REST API; test/api/flink-conformance checks them against Flink's specs.

export const SessionParams = Type.Object({ sessionHandle: Type.String({ minLength: 1, maxLength: 200 }) });
export const OperationParams = Type.Object({ ...SessionParams.properties, operationHandle: Type.String({ minLength: 1, maxLength: 200 }) });
export const Status = Type.Object({ status: Type.String() });
export const OperationHandleBody = Type.Object({ operationHandle: Type.String() });
export const EmptyObject = Type.Object({});

export const OpenSessionBody = Type.Object({ sessionName: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])), properties: NullableStringMap });

const Timeout = Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Milliseconds; 0 = none.' }), Type.Null()]));
const Statement = Type.String({ minLength: 1, maxLength: 1_000_000 });

export const ExecuteBody = Type.Object({ statement: Statement, executionTimeout: Timeout, executionConfig: NullableStringMap });
export const ConfigureBody = Type.Object({ statement: Statement, executionTimeout: Timeout });
export const ScriptBody = Type.Object({
  script: Type.Optional(Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Null()])),
  scriptUri: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  executionConfig: NullableStringMap,
});

export const RefreshBody = Type.Object({
  isPeriodic: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  // Jackson's second name for isPeriodic, in Flink's spec; accepted and ignored.
  periodic: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  scheduleTime: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  dynamicOptions: NullableStringMap,
  staticPartitions: NullableStringMap,
  executionConfig: NullableStringMap,
});

const LogicalType = Type.Object({ type: Type.String() }, { additionalProperties: true });

export const FetchResults = Type.Object({
  resultType: Type.Union([Type.Literal('NOT_READY'), Type.Literal('PAYLOAD'), Type.Literal('EOS')]),
  isQueryResult: Type.Optional(Type.Boolean()),
  jobID: Type.Optional(Type.String()),
  resultKind: Type.Optional(Type.Union([Type.Literal('SUCCESS'), Type.Literal('SUCCESS_WITH_CONTENT')])),
  results: Type.Optional(
    Type.Object({
      columns: Type.Array(Type.Object({ name: Type.String(), logicalType: LogicalType, comment: Type.Null() })),
      rowFormat: Type.Union([Type.Literal('JSON'), Type.Literal('PLAIN_TEXT')]),
      data: Type.Array(Type.Object({ kind: Type.String(), fields: Type.Array(Type.Unknown()) })),
    }),
  ),
  nextResultUri: Type.Optional(Type.String()),
});
