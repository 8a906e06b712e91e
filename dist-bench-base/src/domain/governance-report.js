/**
 * The shape of the governance report (issue 6): outcomes, not activity counts. The HTTP route,
 * the CLI (`hourglass report`), the HTML report and the web dashboard all read this one type.
 * Durations are milliseconds; shares are fractions in [0, 1] or null when the denominator is 0.
 */
export {};
