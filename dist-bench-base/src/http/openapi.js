import { z } from 'zod';
import { STATUS } from './error-response.js';
const errorSchema = {
    type: 'object',
    required: ['error'],
    properties: {
        error: {
            type: 'object',
            required: ['code', 'message', 'requestId'],
            properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                requestId: { type: 'string' },
                details: { type: 'object' },
            },
        },
    },
};
function jsonSchema(schema, io) {
    return z.toJSONSchema(schema, { io, unrepresentable: 'any' });
}
/** The OpenAPI document, generated from the same route objects that register the handlers. */
export function buildOpenApi(routes, version) {
    const paths = {};
    for (const route of routes) {
        const op = {
            summary: route.summary,
            tags: [route.tag],
            operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch) => (ch ?? '').toUpperCase())}`,
            responses: {
                [String(route.status ?? 200)]: {
                    description: 'Success',
                    content: {
                        'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : {} },
                    },
                },
                default: {
                    description: 'Error',
                    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
                },
            },
        };
        const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
            name: m[1],
            in: 'path',
            required: true,
            schema: { type: 'string' },
        }));
        const queryParams = route.query ? queryParameters(route.query) : [];
        if (pathParams.length + queryParams.length > 0)
            op.parameters = [...pathParams, ...queryParams];
        if (route.body) {
            op.requestBody = {
                required: true,
                content: {
                    [route.form ? 'application/x-www-form-urlencoded' : 'application/json']: {
                        schema: jsonSchema(route.body, 'input'),
                    },
                },
            };
        }
        if (route.auth !== 'none')
            op.security = [{ bearer: [] }];
        (paths[route.path] ??= {})[route.method] = op;
    }
    return {
        openapi: '3.1.0',
        info: {
            title: 'Hourglass API',
            version,
            description: `Just-in-time access. Error statuses: ${JSON.stringify(STATUS)}`,
        },
        paths,
        components: {
            securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
            schemas: { Error: errorSchema },
        },
    };
}
function queryParameters(schema) {
    const js = jsonSchema(schema, 'input');
    return Object.entries(js.properties ?? {}).map(([name, s]) => ({
        name,
        in: 'query',
        required: js.required?.includes(name) ?? false,
        schema: s,
    }));
}
