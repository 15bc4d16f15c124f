package cn.egov.manager.arch.b;

/** Half of a planted circle ({@code PackageCyclesTest#theCheckSeesACircle}). */
public class B {
    public cn.egov.manager.arch.a.A a;
}
