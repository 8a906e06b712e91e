export function defineRoute(route) {
    return route;
}
