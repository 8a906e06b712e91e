/** Binary min-heap ordered by `at` (epoch ms); ties keep no particular order. */
export class MinHeap {
    #items = [];
    get size() {
        return this.#items.length;
    }
    push(at, value) {
        const items = this.#items;
        items.push({ at, value });
        let i = items.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            const p = items[parent];
            const c = items[i];
            if (!p || !c || p.at <= c.at)
                break;
            items[parent] = c;
            items[i] = p;
            i = parent;
        }
    }
    peek() {
        return this.#items[0];
    }
    pop() {
        const items = this.#items;
        const top = items[0];
        const last = items.pop();
        if (items.length === 0 || last === undefined)
            return top;
        items[0] = last;
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let smallest = i;
            if ((items[l]?.at ?? Infinity) < (items[smallest]?.at ?? Infinity))
                smallest = l;
            if ((items[r]?.at ?? Infinity) < (items[smallest]?.at ?? Infinity))
                smallest = r;
            if (smallest === i)
                break;
            const a = items[i];
            const b = items[smallest];
            if (!a || !b)
                break;
            items[i] = b;
            items[smallest] = a;
            i = smallest;
        }
        return top;
    }
}
