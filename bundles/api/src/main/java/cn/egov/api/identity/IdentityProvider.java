package cn.egov.api.identity;

/** OSGi service giving the box's configured identity (PID {@code cn.egov.identity}). */
public interface IdentityProvider {
    BoxIdentity identity();
}
