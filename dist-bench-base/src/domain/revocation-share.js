import { SHARE_BUCKETS, shareBucketOf } from './share-bucket.js';
/**
 * Which live node revokes a grant: its bucket (`shareBucketOf`, stored with the grant) goes to a
 * node by rendezvous (highest random weight) hashing over the live nodes' workerIds. Every node
 * computes the same owner from the same live set, without talking to the others; when a node
 * joins or leaves, only the buckets it gains or held change owner, so the survivors keep the
 * heaps they have and only take over the dead node's share. `buckets` is what a node asks the
 * database for.
 */
export class RevocationShare {
    nodes;
    #self;
    #nodeHashes;
    /** Owner (index into `nodes`) of each bucket. */
    #ownerIndex;
    /** This node's buckets, ascending; every bucket when alone. */
    buckets;
    /** `live`: the live nodes' workerIds (this node's among them or not: it is added). */
    constructor(self, live) {
        this.#self = self;
        this.nodes = [...new Set([self, ...live])].sort();
        this.#nodeHashes = Uint32Array.from(this.nodes, (n) => fnv1a(n));
        this.#ownerIndex = new Uint16Array(SHARE_BUCKETS);
        const selfIndex = this.nodes.indexOf(self);
        const mine = [];
        for (let b = 0; b < SHARE_BUCKETS; b++) {
            const owner = this.#rendezvous(b);
            this.#ownerIndex[b] = owner;
            if (owner === selfIndex)
                mine.push(b);
        }
        this.buckets = mine;
    }
    /** True when this node is the only one: every grant is its own, with no hashing at all. */
    get alone() {
        return this.nodes.length === 1;
    }
    /** The workerId whose share `grantId` is in. */
    ownerOf(grantId) {
        return this.ownerOfBucket(shareBucketOf(grantId));
    }
    /** The workerId whose share a bucket is in. */
    ownerOfBucket(bucket) {
        return this.nodes[this.#ownerIndex[bucket] ?? 0] ?? this.#self;
    }
    #rendezvous(bucket) {
        if (this.nodes.length === 1)
            return 0;
        const g = fnv1a(String(bucket));
        let best = 0;
        let bestScore = -1;
        for (let i = 0; i < this.#nodeHashes.length; i++) {
            // Ties go to the first in sorted order: `>` keeps the earlier one.
            const score = mix32((this.#nodeHashes[i] ?? 0) ^ g);
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
    /** Whether `grantId` is this node's to revoke. */
    owns(grantId) {
        return this.alone || this.ownerOf(grantId) === this.#self;
    }
}
/** FNV-1a, 32 bits, over UTF-16 code units: grant ids are ASCII, so this is their bytes. */
function fnv1a(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
/**
 * MurmurHash3's finaliser: FNV alone leaves the low bits of similar ids correlated, and the XOR
 * of two FNV hashes would give every node the same order over many grants.
 */
function mix32(x) {
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    return x >>> 0;
}
