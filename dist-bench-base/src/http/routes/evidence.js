import { assembleEvidence } from '../../app/evidence-bundle.js';
import { AppError } from '../../domain/errors.js';
import { defineRoute } from '../route.js';
import { idParam } from '../schemas.js';
import { requestView } from '../views.js';
export const evidenceRoutes = [
    defineRoute({
        method: 'get',
        path: '/v1/requests/{id}/evidence',
        summary: 'Evidence bundle of a request, verifiable offline with the checkpoint public key (docs/evidence.md)',
        tag: 'requests',
        auth: 'identity',
        handler: async ({ deps, actor, params }) => {
            if (!deps.evidence)
                throw new AppError('evidence.not_checkpointed', 'This server cannot sign evidence');
            const id = idParam.parse(params.id);
            const reviews = await deps.store.reviews.listForRequest(id);
            return assembleEvidence(deps, deps.evidence, actor, id, (r) => ({ ...requestView(r, reviews) }));
        },
    }),
];
