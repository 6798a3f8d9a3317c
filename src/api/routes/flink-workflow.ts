import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { GatewayAllowList } from '../../flink-gateway-client/index.ts';
import type { EmbeddedWorkflowScheduler } from '../../workflow-scheduler/index.ts';
import {
  CreatePeriodicRefreshWorkflow,
  DeleteRefreshWorkflow,
  EmbeddedRefreshHandler,
  ResumeRefreshWorkflow,
  SuspendRefreshWorkflow,
} from '../../workflow-scheduler/index.ts';
import { commandContext } from '../auth.ts';
import { Empty, errorResponses, NullableStringMap, Reason } from '../schemas/common.ts';
import { MisfirePolicy } from '../schemas/workflow.ts';

const Handler = {
  workflowName: Type.String({ minLength: 1 }),
  workflowGroup: Type.String({ minLength: 1 }),
  reason: Reason,
};

const CreateBody = Type.Object({
  materializedTableIdentifier: Type.String({ minLength: 1, description: "Flink's serializable form, e.g. `cat`.`db`.`t1`." }),
  cronExpression: Type.String({ minLength: 1, description: 'Quartz cron (6 or 7 fields).' }),
  initConfig: NullableStringMap,
  executionConfig: NullableStringMap,
  restEndpointUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  // freshet's additions; a Flink client never sends them.
  timeZone: Type.Optional(Type.String({ minLength: 1 })),
  misfirePolicy: Type.Optional(MisfirePolicy),
  reason: Reason,
});

const CreateResponse = Type.Object({ workflowName: Type.String(), workflowGroup: Type.String() });

const tags = ['flink'];

/**
 * Flink's `/workflow/embedded-scheduler/*` endpoints (SQL Gateway REST API v3): same paths, field names and error
 * texts, so Flink's EmbeddedWorkflowScheduler REST client works unchanged. Client mistakes are 4xx (Flink: 500).
 */
export function flinkWorkflowRoutes(scheduler: EmbeddedWorkflowScheduler, gateways: GatewayAllowList): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/workflow/embedded-scheduler/create',
      { schema: { tags, summary: 'Create a periodic refresh workflow', body: CreateBody, response: { 200: CreateResponse, ...errorResponses } } },
      async (request) => {
        const b = request.body;
        // Each fire will send requests there: only freshet itself (as this request reached it) or an allowed gateway.
        gateways.check(b.restEndpointUrl ?? '', `${request.protocol}://${request.headers.host ?? ''}`);
        const options = {
          ...commandContext(request, b.reason),
          ...(b.timeZone ? { timeZone: b.timeZone } : {}),
          ...(b.misfirePolicy ? { misfirePolicy: b.misfirePolicy } : {}),
        };
        const create = new CreatePeriodicRefreshWorkflow(b.materializedTableIdentifier, '', b.cronExpression, b.initConfig ?? {}, b.executionConfig ?? {}, b.restEndpointUrl ?? '', options);
        const handler = await scheduler.createRefreshWorkflow(create);
        return { workflowName: handler.workflowName, workflowGroup: handler.workflowGroup };
      },
    );

    app.post(
      '/workflow/embedded-scheduler/suspend',
      { schema: { tags, summary: 'Suspend a refresh workflow', body: Type.Object(Handler), response: { 200: Empty, ...errorResponses } } },
      async (request) => {
        const b = request.body;
        await scheduler.modifyRefreshWorkflow(new SuspendRefreshWorkflow(new EmbeddedRefreshHandler(b.workflowName, b.workflowGroup), commandContext(request, b.reason)));
        return {};
      },
    );

    app.post(
      '/workflow/embedded-scheduler/resume',
      { schema: { tags, summary: 'Resume a refresh workflow', body: Type.Object({ ...Handler, dynamicOptions: NullableStringMap }), response: { 200: Empty, ...errorResponses } } },
      async (request) => {
        const b = request.body;
        const handler = new EmbeddedRefreshHandler(b.workflowName, b.workflowGroup);
        // Flink: empty options resume the job as it was (earlier options stick); non-empty ones replace them.
        const options = b.dynamicOptions && Object.keys(b.dynamicOptions).length > 0 ? b.dynamicOptions : null;
        await scheduler.modifyRefreshWorkflow(new ResumeRefreshWorkflow(handler, options, commandContext(request, b.reason)));
        return {};
      },
    );

    app.delete(
      '/workflow/embedded-scheduler/delete',
      { schema: { tags, summary: 'Delete a refresh workflow (idempotent)', body: Type.Object(Handler), response: { 200: Empty, ...errorResponses } } },
      async (request) => {
        const b = request.body;
        await scheduler.deleteRefreshWorkflow(new DeleteRefreshWorkflow(new EmbeddedRefreshHandler(b.workflowName, b.workflowGroup), commandContext(request, b.reason)));
        return {};
      },
    );
  };
}
