export const DEFAULT_INTEGRATIONS = {
    scim: { provisionerGroup: 'scim-provisioners' },
    tickets: { toleranceSeconds: 300, sources: {} },
};
